"""Small default vocabularies (skus, categories, tiers and more) the strategies draw from.

Drawn scopes, audiences and carts use the same few names, so they often meet. A plugin
drawing its own params picks skus from
[`SKUS`][promocore.testing.strategies.vocabulary.SKUS] to meet the default carts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

#: Default skus of drawn lines and scopes.
SKUS: tuple[str, ...] = ("sku-apple", "sku-bread", "sku-cheese", "sku-dates", "sku-eggs")
#: Default categories of drawn lines and scopes.
CATEGORIES: tuple[str, ...] = ("fruit", "bakery", "dairy", "drinks")
#: Default tags of drawn lines.
TAGS: tuple[str, ...] = ("new", "activity", "clearance")
#: Default member tiers of drawn customers and audiences.
TIERS: tuple[str, ...] = ("silver", "gold", "platinum")
#: Default segments of drawn customers and audiences.
SEGMENTS: tuple[str, ...] = ("vip", "lapsed", "wechat")
#: Default channels of drawn carts and channel conditions.
CHANNELS: tuple[str, ...] = ("live", "mini_program", "app")
#: Default stores of drawn carts and store conditions.
STORES: tuple[str, ...] = ("sh-01", "bj-02")
#: Default customer ids.
CUSTOMER_IDS: tuple[str, ...] = ("c-1", "c-2", "c-3", "c-4")
#: Default campaign names.
NAMES: tuple[str, ...] = ("满300减50", "会员价", "Double 11", "spring sale")
#: Default exclusive groups.
GROUPS: tuple[str, ...] = ("group-a", "group-b")

#: China Standard Time, the usual offset of campaign schedules.
CST = timezone(timedelta(hours=8), "CST")
#: Offsets drawn moments are expressed in.
OFFSETS = (UTC, CST)
#: Default window drawn moments fall in.
EARLIEST = datetime(2026, 1, 1, tzinfo=UTC)
LATEST = datetime(2027, 1, 1, tzinfo=UTC)
#: Largest amount drawn by default, in minor units.
DEFAULT_MAX_AMOUNT = 1_000_000
