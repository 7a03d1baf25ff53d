"""promocore: promotion campaigns for e-commerce backends."""

from promocore.errors import PromocoreError, ValidationError
from promocore.money import Money, Rounding, allocate

__all__ = ["Money", "PromocoreError", "Rounding", "ValidationError", "allocate"]
__version__ = "0.1.0"
