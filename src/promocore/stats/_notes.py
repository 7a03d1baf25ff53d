"""Collecting the warnings of a result, naming the experiments they concern."""

from __future__ import annotations

import numpy as np

from promocore._arrays import BoolArray, index_text

#: How many experiment indices a warning lists before summarising.
MAX_INDICES = 10

#: The one answer every test gives when neither arm varies: the limit of no noise.
ZERO_VARIANCE = (
    "no variation within the arms: read as the limit of no noise (p = 0 if the estimates "
    "differ, 1 if they are equal) with a zero-width interval at the estimate"
)
#: A look of a sequential test where neither arm varies and the estimates are equal.
NO_EVIDENCE_YET = "no variation yet and equal estimates at a look: it counts as no evidence"
#: One-pass variances from sums of squares lose digits when the mean dwarfs the spread.
ILL_CONDITIONED = (
    "ill-conditioned sums (|mean| / sd >= 1e4 in an arm): the variance computed from "
    "(n, sum, sum of squares) has lost digits; aggregate the metric minus a reference "
    "value (such as the control mean) instead"
)


class Notes:
    """Warnings for one result; with array inputs each names the experiments it concerns."""

    def __init__(self, scalar: bool) -> None:
        self.scalar = scalar
        self._messages: list[str] = []

    def add(self, message: str, where: BoolArray | None = None) -> None:
        """Record ``message``, for every experiment where ``where`` is true (if given)."""
        if where is None:
            self._append(message)
            return
        where = np.asarray(where, dtype=bool)
        if not where.any():
            return
        if self.scalar or where.ndim == 0:
            self._append(message)
            return
        flat = np.flatnonzero(where)
        shown = [
            index_text(tuple(int(i) for i in np.unravel_index(k, where.shape)))
            for k in flat[:MAX_INDICES]
        ]
        more = f" and {flat.size - MAX_INDICES} more" if flat.size > MAX_INDICES else ""
        noun = "experiment" if flat.size == 1 else "experiments"
        self._append(f"{message} ({noun} {', '.join(shown)}{more})")

    def extend(self, messages: tuple[str, ...]) -> None:
        """Record messages already formatted by another result."""
        for message in messages:
            self._append(message)

    def _append(self, message: str) -> None:
        if message not in self._messages:
            self._messages.append(message)

    def result(self) -> tuple[str, ...]:
        """Return the warnings recorded so far."""
        return tuple(self._messages)
