"""How many units of some lines fit the slots of some groups: a small bipartite max flow.

A bundle's groups may share skus, so which group a unit fills is a choice. The units that can
fill all the slots of ``sets`` sets form a transversal matroid: taking lines dearest first and,
from each, as many units as still fit (`fill`), gives the dearest units that fill the slots,
which is what is best for the customer. `fits` says how many units fit in all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


class _Network:
    """Source → lines → groups → sink, with residual capacities, augmented in place."""

    def __init__(self, eligible: Sequence[Sequence[int]], slots: Sequence[int]) -> None:
        lines, groups = len(eligible), len(slots)
        self.lines = lines
        self.source, self.sink = lines + groups, lines + groups + 1
        self.capacity: list[dict[int, int]] = [{} for _ in range(self.sink + 1)]
        for i, chosen in enumerate(eligible):
            for g in chosen:
                self._edge(i, lines + g, 0)
        for g, room in enumerate(slots):
            self._edge(lines + g, self.sink, room)

    def _edge(self, a: int, b: int, amount: int) -> None:
        self.capacity[a][b] = self.capacity[a].get(b, 0) + amount
        self.capacity[b].setdefault(a, 0)

    def offer(self, line: int, units: int) -> int:
        """Offer ``units`` more of ``line``; return how many of them fit (the flow added)."""
        capacity = self.capacity
        capacity[self.source][line] = capacity[self.source].get(line, 0) + units
        capacity[line].setdefault(self.source, 0)
        for nxt in capacity[line]:
            if nxt != self.source:
                capacity[line][nxt] += units  # the line's edges to its groups carry its units
        added = 0
        while added < units:
            pushed = self._augment(line)
            if not pushed:
                break
            added += pushed
        # units that did not fit are withdrawn, so no later path starts from this line
        capacity[self.source][line] -= units - added
        for nxt in capacity[line]:
            if nxt != self.source:
                capacity[line][nxt] -= units - added
        return added

    def _augment(self, line: int) -> int:
        capacity, sink = self.capacity, self.sink
        parent = {line: self.source, self.source: self.source}
        queue = deque([line])
        while queue and sink not in parent:
            node = queue.popleft()
            for nxt, left in capacity[node].items():
                if left > 0 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            return 0
        push = capacity[self.source][line]
        node = sink
        while node != self.source:
            prev = parent[node]
            push = min(push, capacity[prev][node])
            node = prev
        node = sink
        while node != self.source:
            prev = parent[node]
            capacity[prev][node] -= push
            capacity[node][prev] += push
            node = prev
        return push


def fill(
    supply: Sequence[int], eligible: Sequence[Sequence[int]], slots: Sequence[int]
) -> list[int]:
    """Units taken from each line, lines in order, each taking as many as still fit.

    Line ``i`` offers ``supply[i]`` units, each of which may fill a slot of one of the groups
    ``eligible[i]``; group ``g`` has ``slots[g]`` slots. With the lines dearest first this is
    the dearest set of units that fits (the greedy of a matroid). One max flow, grown line by
    line: its cost depends on the numbers of lines and groups, not of units.
    """
    if all(len(groups) <= 1 for groups in eligible):  # no unit has a choice
        room = list(slots)
        taken = []
        for units, groups in zip(supply, eligible, strict=True):
            k = min(units, room[groups[0]]) if groups else 0
            if groups:
                room[groups[0]] -= k
            taken.append(k)
        return taken
    network = _Network(eligible, slots)
    need = sum(slots)
    taken = []
    placed = 0
    for i, units in enumerate(supply):
        k = network.offer(i, units) if units and placed < need else 0
        placed += k
        taken.append(k)
    return taken


def fits(supply: Sequence[int], eligible: Sequence[Sequence[int]], slots: Sequence[int]) -> int:
    """The most units of the lines (see `fill`) the groups' slots can hold."""
    return sum(fill(supply, eligible, slots))
