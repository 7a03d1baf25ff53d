"""Fields that say whether a ``Money | int`` threshold is an amount or a count.

A tier's ``threshold`` is an amount on an amount basis and a number of units on a
quantity basis; the params class holding the tiers knows which. Marking its
deciding field with [`decides_measure`][promocore.measure.decides_measure] lets a file
write ``threshold = 300``, ``"300"`` or ``"300.00"`` on an amount basis (all
``Money``) and ``threshold = 2`` or ``"2"`` on a quantity basis (both ``int``): the
converter of [`promocore.serialize`][promocore.serialize] reads the deciding field
first and reads every ``Money | int`` value inside the class with the type it names.

This module only declares the mark; it imports nothing heavy, so the pricing
layers can use it.

Examples:
    >>> import enum
    >>> import attrs
    >>> from promocore.money import Money
    >>> class Basis(enum.Enum):
    ...     AMOUNT = "amount"
    ...     QUANTITY = "quantity"
    >>> @attrs.frozen
    ... class Ladder:
    ...     threshold: Money | int
    ...     basis: Basis = attrs.field(
    ...         default=Basis.AMOUNT,
    ...         metadata=decides_measure({Basis.AMOUNT: Money, Basis.QUANTITY: int}),
    ...     )
    >>> measure_choices(attrs.fields(Ladder).basis)[Basis.QUANTITY]
    <class 'int'>
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from promocore.money import Money

#: The attrs metadata key holding the choices of a deciding field.
MEASURE_KEY = "promocore.measure"


def decides_measure(choices: Mapping[Any, type]) -> dict[str, Any]:
    """Return attrs field metadata marking the field as deciding ``Money | int`` values.

    Args:
        choices: For each value of the field, the type (``Money`` or ``int``) of the
            ``Money | int`` values inside the class.

    Raises:
        TypeError: a choice is neither ``Money`` nor ``int``.
    """
    for key, choice in choices.items():
        if choice is not Money and choice is not int:
            raise TypeError(f"choice for {key!r} must be Money or int, got {choice!r}")
    return {MEASURE_KEY: dict(choices)}


def measure_choices(field: attrs.Attribute[Any]) -> Mapping[Any, type] | None:
    """Return the choices a field was marked with, or ``None`` if it decides nothing."""
    choices = field.metadata.get(MEASURE_KEY)
    return None if choices is None else dict(choices)
