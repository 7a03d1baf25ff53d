"""Property testing for promocore: hypothesis strategies and the mechanic conformance laws.

Install the ``testing`` extra (``pip install promocore[testing]``) to use it.

* [`promocore.testing.strategies`][promocore.testing.strategies] draws money, carts, customers,
  campaign parts and valid campaigns for any registered mechanic.
* [`check_mechanic`][promocore.testing.check.check_mechanic] runs a mechanic through every law a
  mechanic must obey and raises [`MechanicLawError`][promocore.testing.check.MechanicLawError] with
  a shrunk counterexample per broken law.
* [`law_cases`][promocore.testing.check.law_cases] turns the same checks into one pytest case per
  mechanic and law.

Names are loaded on first use, so importing this package (which hypothesis does
through its entry point) costs nothing until a name is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.testing.check import LawCase as LawCase
    from promocore.testing.check import LawReport as LawReport
    from promocore.testing.check import LawViolation as LawViolation
    from promocore.testing.check import MechanicLawError as MechanicLawError
    from promocore.testing.check import check_law as check_law
    from promocore.testing.check import check_mechanic as check_mechanic
    from promocore.testing.check import law_cases as law_cases
    from promocore.testing.extra_laws import MONOTONE_IN_CART_VALUE as MONOTONE_IN_CART_VALUE
    from promocore.testing.extra_laws import RESPECTS_UNIT_LIMIT as RESPECTS_UNIT_LIMIT
    from promocore.testing.law import Law as Law
    from promocore.testing.law import LawBroken as LawBroken
    from promocore.testing.law import Sample as Sample
    from promocore.testing.laws import STANDARD_LAWS as STANDARD_LAWS
    from promocore.testing.laws import laws_for as laws_for
    from promocore.testing.profiles import MechanicProfile as MechanicProfile
    from promocore.testing.profiles import profile_of as profile_of
    from promocore.testing.profiles import register_profile as register_profile

_EXPORTS = {
    "LawCase": "promocore.testing.check",
    "LawReport": "promocore.testing.check",
    "LawViolation": "promocore.testing.check",
    "MechanicLawError": "promocore.testing.check",
    "check_law": "promocore.testing.check",
    "check_mechanic": "promocore.testing.check",
    "law_cases": "promocore.testing.check",
    "MONOTONE_IN_CART_VALUE": "promocore.testing.extra_laws",
    "RESPECTS_UNIT_LIMIT": "promocore.testing.extra_laws",
    "Law": "promocore.testing.law",
    "LawBroken": "promocore.testing.law",
    "Sample": "promocore.testing.law",
    "STANDARD_LAWS": "promocore.testing.laws",
    "laws_for": "promocore.testing.laws",
    "MechanicProfile": "promocore.testing.profiles",
    "profile_of": "promocore.testing.profiles",
    "register_profile": "promocore.testing.profiles",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
