"""Time zones by IANA name: the one place that looks them up and checks them.

Campaigns read their conditions and count their periodic caps in their own time zone;
fatigue caps and points programmes name theirs. All of them go through `zone`, which
caches each lookup, and `time_zone_problem`, which words what is wrong with a name.
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from promocore.validation import Checks

#: The time zone of a campaign that names none: promotions here run on Beijing time.
DEFAULT_TIME_ZONE = "Asia/Shanghai"


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (an IANA name such as ``"Asia/Shanghai"``).

    Raises:
        ValueError: no such time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def time_zone_problem(name: str) -> str | None:
    """What is wrong with the time zone ``name``, or ``None`` if it is a known IANA zone."""
    try:
        zone(name)
    except ValueError:
        return f"unknown time zone {name!r} (an IANA name: Asia/Shanghai)"
    return None


def check_time_zone(checks: Checks, value: object, path: str) -> None:
    """Record a problem at ``path`` unless ``value`` names a known IANA time zone."""
    if not isinstance(value, str) or not value:
        checks.add_type(path, "must be an IANA time zone name such as 'Asia/Shanghai'")
        return
    problem = time_zone_problem(value)
    if problem is not None:
        checks.add(path, problem)
