"""The engine's campaign index: campaigns grouped by scope, and by floor within a scope.

Pricing a cart looks up each line's sku and categories once to find the scopes that touch
the cart, never the campaigns one by one. Within a scope, the campaigns of each stage are
sorted by their [`Floor`][promocore.mechanic.Floor], so that the ones out of reach of what the
scope has in the cart are cut off by a bisection. An index is immutable:
[`Index.updated`][promocore._index.Index.updated] returns a new one that shares everything
the change does not touch.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from fractions import Fraction

import attrs

from promocore.campaign import Campaign, Scope, Stage
from promocore.cart import Cart
from promocore.errors import PluginError
from promocore.mechanic import Context, Floor, Mechanic, members_of
from promocore.money import Money


@attrs.frozen
class Traits:
    """What pricing needs to know about a campaign beyond the campaign itself.

    Attributes:
        plain: No schedule, audience, conditions, per-customer limit or budget to check.
        floor: Its floor, if the mechanic declares one.
        floor_amount: The floor's amount in minor units (0 for none).
        floor_units: The floor's units (0 for none).
        bound: The mechanic's ``bound``, if any.
        exact: The bound is exactly what the mechanic grants.
        rate: The mechanic's ``rate``, if any.
    """

    plain: bool
    floor: Floor | None
    floor_amount: int
    floor_units: int
    bound: Callable[[Context], Money] | None
    exact: bool
    rate: Callable[[Campaign, Money], Fraction | None] | None


class Entry:
    """A validated campaign with its mechanic and stage resolved.

    Building an engine makes one per campaign and nothing more; its
    [`Traits`][promocore._index.Traits] are worked out the first time pricing needs them
    (the campaign's scope touches a cart, or its explanation is read).

    Attributes:
        campaign: The campaign.
        mechanic: Its mechanic.
        stage: The stage it runs at.
        order: Its key in canonical order (priority high to low, then id).
    """

    __slots__ = ("_traits", "campaign", "mechanic", "order", "stage")

    def __init__(self, campaign: Campaign, mechanic: Mechanic, stage: Stage) -> None:
        self.campaign = campaign
        self.mechanic = mechanic
        self.stage = stage
        self.order = (-campaign.priority, campaign.id)
        self._traits: Traits | None = None

    @property
    def traits(self) -> Traits:
        """Its traits, worked out on first use.

        Raises:
            PluginError: the mechanic's ``floor`` gave something other than a
                [`Floor`][promocore.mechanic.Floor] of Money (or None) and whole units.
        """
        traits = self._traits
        if traits is None:
            traits = self._traits = _traits_of(self.campaign, self.mechanic)
        return traits


def _traits_of(campaign: Campaign, mechanic: Mechanic) -> Traits:
    members = members_of(mechanic)
    floor_of = members.floor
    floor = floor_of(campaign) if floor_of is not None else None
    amount = units = 0
    if floor is not None:
        if not _sound(floor):
            raise PluginError(
                f"mechanic {mechanic.name!r} gave campaign {campaign.id!r} the floor {floor!r}: "
                "a Floor needs an amount of Money or None, and whole units >= 0"
            )
        # An amount in another currency than the campaign's cannot be compared: no floor.
        if floor.amount is not None and floor.amount.currency == campaign.currency:
            amount = floor.amount.amount
        units = floor.units
    schedule = campaign.schedule
    plain = (
        schedule.starts_at is None
        and schedule.ends_at is None
        and campaign.audience.is_everyone
        and campaign.conditions is None
        and campaign.limits.per_customer is None
        and campaign.limits.per_customer_value is None
        and campaign.budget is None
    )
    return Traits(
        plain,
        floor,
        amount,
        units,
        members.bound,
        members.bound_is_exact,
        members.rate,
    )


def _sound(floor: object) -> bool:
    if not isinstance(floor, Floor):
        return False
    if floor.amount is not None and not isinstance(floor.amount, Money):
        return False
    return type(floor.units) is int and floor.units >= 0


@attrs.frozen(eq=False)
class Bucket:
    """The campaigns of one scope at one stage, sorted by floor.

    Attributes:
        by_amount: Campaigns with an amount floor, lowest floor first.
        amounts: Their floors' amounts, for bisection.
        by_units: Campaigns with only a unit floor, lowest first.
        units: Their floors' units.
        always: Campaigns without a floor.
    """

    by_amount: tuple[Entry, ...]
    amounts: tuple[int, ...]
    by_units: tuple[Entry, ...]
    units: tuple[int, ...]
    always: tuple[Entry, ...]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Bucket:
        """Sort ``entries`` (all of one scope and stage) into a bucket."""
        by_amount: list[tuple[int, tuple[int, str], Entry]] = []
        by_units: list[tuple[int, tuple[int, str], Entry]] = []
        always: list[Entry] = []
        for entry in entries:
            traits = entry.traits
            if traits.floor_amount > 0:
                by_amount.append((traits.floor_amount, entry.order, entry))
            elif traits.floor_units > 0:
                by_units.append((traits.floor_units, entry.order, entry))
            else:
                always.append(entry)
        by_amount.sort(key=lambda item: item[:2])
        by_units.sort(key=lambda item: item[:2])
        return cls(
            tuple(item[2] for item in by_amount),
            tuple(item[0] for item in by_amount),
            tuple(item[2] for item in by_units),
            tuple(item[0] for item in by_units),
            tuple(always),
        )

    @property
    def floored(self) -> bool:
        """True if some of its campaigns have a floor."""
        return bool(self.by_amount or self.by_units)

    def split(self, amount: int, units: int) -> tuple[list[Entry], list[tuple[Entry, ...]]]:
        """The campaigns within reach of ``amount`` and ``units``, and the runs out of reach.

        A campaign is out of reach when its floor is above what the scope has; one
        within reach of its amount floor but not of its unit floor is left to its mechanic.
        """
        cut_amount = bisect.bisect_right(self.amounts, amount)
        cut_units = bisect.bisect_right(self.units, units)
        live = [*self.always, *self.by_amount[:cut_amount], *self.by_units[:cut_units]]
        skipped = [
            part for part in (self.by_amount[cut_amount:], self.by_units[cut_units:]) if part
        ]
        return live, skipped


class ScopeSlot:
    """Every campaign of one scope; sorted into buckets the first time a cart touches it.

    Attributes:
        scope: The scope.
        excluding: The scope excludes skus or categories (lines must be checked).
        members: Its campaigns.
    """

    members: Sequence[Entry]
    __slots__ = ("_buckets", "excluding", "members", "scope")

    def __init__(self, scope: Scope, members: Sequence[Entry]) -> None:
        self.scope = scope
        self.excluding = bool(scope.exclude_skus or scope.exclude_categories)
        self.members = members  # never changed: an update builds a new slot
        self._buckets: dict[Stage, Bucket] | None = None

    @property
    def buckets(self) -> Mapping[Stage, Bucket]:
        """Its campaigns by stage, sorted by floor."""
        buckets = self._buckets
        if buckets is None:
            stages: dict[Stage, list[Entry]] = {}
            for entry in self.members:
                stages.setdefault(entry.stage, []).append(entry)
            buckets = self._buckets = {stage: Bucket.of(e) for stage, e in stages.items()}
        return buckets


#: The lines of a cart each touching scope covers, exclusions applied.
Touching = list[tuple[ScopeSlot, tuple[int, ...]]]


def _append(table: dict[str, Sequence[int]], key: str, number: int) -> None:
    """Add ``number`` to ``table[key]`` while building (the lists are not shared yet)."""
    found = table.get(key)
    if found is None:
        table[key] = [number]
    else:
        assert isinstance(found, list)
        found.append(number)


def _by_order(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.order)


class Index:
    """Campaigns by id, by scope, and scopes by the skus and categories they name.

    Scopes are numbered: the lookup tables hold numbers, which hash faster than scopes. A
    scope's [`ScopeSlot`][promocore._index.ScopeSlot] is made the first time a cart touches
    it, so that building an index allocates little more than one list per scope.

    Attributes:
        entries: Every entry by campaign id.
        numbers: Each scope's number.
        scopes: The scope of each number.
        members: The entries of each scope, by number (never changed once made).
        by_sku: The scopes naming each sku, by number.
        by_category: The scopes naming each category, by number.
        everywhere: The scopes naming no sku or category.
    """

    def __init__(
        self,
        entries: dict[str, Entry],
        numbers: dict[Scope, int],
        scopes: dict[int, Scope],
        members: dict[int, list[Entry]],
        by_sku: dict[str, Sequence[int]],
        by_category: dict[str, Sequence[int]],
        everywhere: tuple[int, ...],
        next_number: int = 0,
    ) -> None:
        self.entries = entries
        self.numbers = numbers
        self.scopes = scopes
        self.members = members
        self.by_sku = by_sku
        self.by_category = by_category
        self.everywhere = everywhere
        self.next_number = next_number or len(scopes)  # numbers are never reused
        self._slots: dict[int, ScopeSlot] = {}
        self._canonical: list[Entry] | None = None
        self._stages: dict[Stage, list[Entry]] | None = None
        self._positions: dict[str, int] | None = None

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> Index:
        """Index ``entries`` (ids already checked to be unique)."""
        by_id: dict[str, Entry] = {}
        numbers: dict[Scope, int] = {}
        members: dict[int, list[Entry]] = {}
        for entry in entries:
            by_id[entry.campaign.id] = entry
            number = numbers.setdefault(entry.campaign.scope, len(members))
            found = members.get(number)
            if found is None:
                members[number] = [entry]
            else:
                found.append(entry)
        by_sku: dict[str, Sequence[int]] = {}
        by_category: dict[str, Sequence[int]] = {}
        everywhere: list[int] = []
        for scope, number in numbers.items():
            if scope.is_everything:
                everywhere.append(number)
            for sku in scope.skus:
                _append(by_sku, sku, number)
            for category in scope.categories:
                _append(by_category, category, number)
        scopes = {number: scope for scope, number in numbers.items()}
        return cls(by_id, numbers, scopes, members, by_sku, by_category, tuple(everywhere))

    def slot(self, number: int) -> ScopeSlot:
        """The slot of scope ``number``, made on first use."""
        slot = self._slots.get(number)
        if slot is None:
            slot = self._slots[number] = ScopeSlot(self.scopes[number], self.members[number])
        return slot

    def _name(self, scope: Scope, number: int, everywhere: list[int]) -> None:
        """Make scope ``number`` found by the skus and categories it names."""
        if scope.is_everything:
            everywhere.append(number)
        for sku in scope.skus:
            self.by_sku[sku] = (*self.by_sku.get(sku, ()), number)
        for category in scope.categories:
            self.by_category[category] = (*self.by_category.get(category, ()), number)

    def _unname(self, scope: Scope, number: int, everywhere: list[int]) -> None:
        if scope.is_everything:
            everywhere.remove(number)
        for names, keys in ((self.by_sku, scope.skus), (self.by_category, scope.categories)):
            for key in keys:
                left = tuple(n for n in names[key] if n != number)
                if left:
                    names[key] = left
                else:
                    del names[key]

    def updated(self, added: Sequence[Entry], removed: Collection[str]) -> Index:
        """A new index without the ``removed`` ids and with ``added`` (ids checked).

        Only the scopes of the campaigns removed or added are rebuilt; the lookup tables
        are copied (a copy of a dict is cheap next to rebuilding it) only if a scope
        appears or disappears.
        """
        entries = dict(self.entries)
        gone: dict[Scope, set[str]] = {}
        for cid in removed:
            entry = entries.pop(cid)
            gone.setdefault(entry.campaign.scope, set()).add(cid)
        new: dict[Scope, list[Entry]] = {}
        for entry in added:
            entries[entry.campaign.id] = entry
            new.setdefault(entry.campaign.scope, []).append(entry)
        numbers, scopes, members = self.numbers, dict(self.scopes), dict(self.members)
        index = Index(
            entries,
            numbers,
            scopes,
            members,
            self.by_sku,
            self.by_category,
            self.everywhere,
            self.next_number,
        )
        index._slots = dict(self._slots)
        everywhere: list[int] | None = None
        for scope in {**gone, **new}:
            number = numbers.get(scope)
            old = members.get(number, []) if number is not None else []
            drop = gone.get(scope, set())
            kept = [e for e in old if e.campaign.id not in drop]
            kept.extend(new.get(scope, ()))
            if (number is None) == bool(kept):  # the scope appears or disappears
                if everywhere is None:  # copy the lookup tables, once
                    index.numbers = numbers = dict(self.numbers)
                    index.by_sku, index.by_category = dict(self.by_sku), dict(self.by_category)
                    everywhere = list(self.everywhere)
                if kept:
                    number = numbers[scope] = index.next_number
                    index.next_number += 1
                    index._name(scope, number, everywhere)
                else:
                    assert number is not None
                    del numbers[scope]
                    index._unname(scope, number, everywhere)
            assert number is not None
            index._slots.pop(number, None)
            if kept:
                members[number], scopes[number] = kept, scope
            else:
                del members[number], scopes[number]
        if everywhere is not None:
            index.everywhere = tuple(everywhere)
        return index

    # -- per cart ---------------------------------------------------------------------------

    def touching(self, cart: Cart) -> Touching:
        """The scopes that name something in ``cart``, with the lines each covers.

        A scope whose exclusions leave it no line is listed with none, so that its
        campaigns are explained as out of scope. A scope covering some line also covers the
        shipping line, if the cart has one (it is open to the ``shipping`` stage only).
        """
        lines = cart.lines
        shipping = len(lines) - 1 if lines and lines[-1].is_shipping else None
        hits: dict[int, list[int]] = {n: list(range(len(lines))) for n in self.everywhere}
        by_sku, by_category = self.by_sku, self.by_category
        for i, line in enumerate(lines if shipping is None else lines[:shipping]):
            named = [by_sku.get(line.sku, ())]
            named.extend(by_category.get(category, ()) for category in line.categories)
            for numbers in named:
                for number in numbers:
                    covered = hits.get(number)
                    if covered is None:
                        hits[number] = [i]
                    elif covered[-1] != i:
                        covered.append(i)
        out: Touching = []
        for number, covered in hits.items():
            slot = self.slot(number)
            if slot.excluding:
                scope = slot.scope
                kept = [i for i in covered if scope.includes(lines[i])]
            else:
                kept = covered
            if shipping is not None and kept and kept[-1] != shipping:
                kept = [*kept, shipping]  # every scope with goods covers their shipping
            out.append((slot, tuple(kept)))
        return out

    # -- canonical order (worked out when first needed) -------------------------------------

    @property
    def canonical(self) -> list[Entry]:
        """Every entry in canonical order."""
        if self._canonical is None:
            self._canonical = _by_order(self.entries.values())
        return self._canonical

    def stage_entries(self, stage: Stage) -> list[Entry]:
        """The entries of ``stage`` in canonical order."""
        if self._stages is None:
            stages: dict[Stage, list[Entry]] = {}
            for entry in self.canonical:
                stages.setdefault(entry.stage, []).append(entry)
            self._stages = stages
        return self._stages.get(stage, [])

    def position(self, cid: str) -> int:
        """The position of campaign ``cid`` in canonical order."""
        if self._positions is None:
            self._positions = {e.campaign.id: i for i, e in enumerate(self.canonical)}
        return self._positions[cid]
