"""第二件半价 for promocore: the second unit of every pair at a percent off."""

from __future__ import annotations

from promocore_secondhalf.mechanic import MECHANIC, NAME, SecondHalf, SecondHalfParams

__all__ = ["MECHANIC", "NAME", "SecondHalf", "SecondHalfParams"]
