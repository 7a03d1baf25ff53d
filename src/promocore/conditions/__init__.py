"""Campaign conditions: what must hold of the cart, the customer and the moment.

A campaign's ``conditions`` is one [`Condition`][promocore.conditions.Condition], usually an
[`AllOf`][promocore.conditions.AllOf] of several, combined with
[`AnyOf`][promocore.conditions.AnyOf] and [`Not`][promocore.conditions.Not] as deep as needed.
The engine checks them after the campaign's scope and before its mechanic is asked, so a
campaign whose conditions fail costs one check and nothing more. Each condition that fails
explains itself, when the explanation is read, with a reason code, a message and, where
something would make it hold, a [`Gap`][promocore.quote.Gap] ("add 1 more item",
"starts Wednesday 00:00").

Built-in kinds (the ``kind`` of a condition in a campaign file):

| kind | class | holds when |
| --- | --- | --- |
| ``min_amount`` | `MinAmount` | the lines in its scope reach an amount (list prices) |
| ``min_quantity`` | `MinQuantity` | the lines in its scope reach a number of units |
| ``distinct_skus`` | `DistinctSkus` | the lines in its scope hold that many different skus |
| ``contains_all`` | `ContainsAll` | every sku of a set is in the cart |
| ``first_order`` | `FirstOrder` | the customer has never ordered (``Customer.is_new``) |
| ``channel`` | `InChannel` | the cart's ``channel`` is listed |
| ``store`` | `InStore` | the cart's ``store`` is listed |
| ``segment`` | `InSegment` | the customer is in a listed segment |
| ``birthday`` | `BirthdayWindow` | the day is in the customer's birthday window |
| ``weekdays`` | `Weekdays` | the day of the week is listed (会员日 every Wednesday) |
| ``month_days`` | `MonthDays` | the day of the month is listed (每月8号) |
| ``time_of_day`` | `TimeOfDay` | the time is in a daily window (19:00–21:00) |
| ``dates`` | `OnDates` | the date is listed (holidays) |
| ``blackout`` | `Blackout` | the date is not listed (blackout dates) |
| ``experiment_arm`` | `InArm` | the customer is in an arm of a running experiment |
| ``outside_holdout`` | `OutsideHoldout` | the customer is not held out |

Days, dates and times are read in the campaign's ``time_zone``. Amounts and units are
measured on the cart as given (list prices, before any discount), the same for every
stage; a threshold on what is left to pay is the mechanic's business.

A plugin adds kinds through the ``promocore_condition_kinds`` hook: an attrs class with a
``kind`` class variable and the two methods of [`Condition`][promocore.conditions.Condition]
(subclass [`Leaf`][promocore.conditions.Leaf] to get ``holds`` from ``unmet``).

Limits: conditions nest at most [`MAX_DEPTH`][promocore.conditions.MAX_DEPTH] deep and a
campaign holds at most [`MAX_CONDITIONS`][promocore.conditions.MAX_CONDITIONS] of them; a
listed set (skus, channels, dates...) holds at most
[`MAX_ITEMS`][promocore.conditions.MAX_ITEMS] items.
"""

from __future__ import annotations

from collections.abc import Mapping

from promocore.conditions._base import (
    ALL_LINES,
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_ITEMS,
    ArmLookup,
    Condition,
    ConditionReason,
    Facts,
    Leaf,
    Measure,
    Unmet,
    zone,
)
from promocore.conditions._calendar import (
    BirthdayWindow,
    Blackout,
    MonthDays,
    OnDates,
    TimeOfDay,
    Weekdays,
)
from promocore.conditions._cart import (
    ContainsAll,
    DistinctSkus,
    FirstOrder,
    InChannel,
    InSegment,
    InStore,
    MinAmount,
    MinQuantity,
)
from promocore.conditions._combine import AllOf, AnyOf, Not
from promocore.conditions._experiments import InArm, OutsideHoldout
from promocore.conditions._tree import arms_of, children, problems

#: The built-in condition classes, by kind.
BUILTIN_KINDS: Mapping[str, type] = {
    cls.kind: cls
    for cls in (
        MinAmount,
        MinQuantity,
        DistinctSkus,
        ContainsAll,
        FirstOrder,
        InChannel,
        InStore,
        InSegment,
        BirthdayWindow,
        Weekdays,
        MonthDays,
        TimeOfDay,
        OnDates,
        Blackout,
        InArm,
        OutsideHoldout,
    )
}

#: The kinds that combine other conditions, and the field each is written under.
COMBINATIONS: Mapping[str, type] = {"all": AllOf, "any": AnyOf, "not": Not}


__all__ = [
    "ALL_LINES",
    "BUILTIN_KINDS",
    "COMBINATIONS",
    "MAX_CONDITIONS",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "AllOf",
    "AnyOf",
    "ArmLookup",
    "BirthdayWindow",
    "Blackout",
    "Condition",
    "ConditionReason",
    "ContainsAll",
    "DistinctSkus",
    "Facts",
    "FirstOrder",
    "InArm",
    "InChannel",
    "InSegment",
    "InStore",
    "Leaf",
    "Measure",
    "MinAmount",
    "MinQuantity",
    "MonthDays",
    "Not",
    "OnDates",
    "OutsideHoldout",
    "TimeOfDay",
    "Unmet",
    "Weekdays",
    "arms_of",
    "children",
    "problems",
    "zone",
]
