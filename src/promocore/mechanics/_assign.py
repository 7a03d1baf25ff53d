"""How many units of some lines fit the slots of some groups: a small bipartite max flow.

A bundle's groups may share skus, so which group a unit fills is a choice. The units that can
fill all the slots of ``sets`` sets form a transversal matroid: taking lines dearest first and,
from each, as many units as still fit (`fits` says how many fit in all), gives the dearest
units that fill the slots, which is what is best for the customer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


def fits(supply: Sequence[int], eligible: Sequence[Sequence[int]], slots: Sequence[int]) -> int:
    """The most units that can be placed in the groups' slots.

    Line ``i`` offers ``supply[i]`` units, each of which may fill a slot of one of the groups
    ``eligible[i]``; group ``g`` has ``slots[g]`` slots. Edmonds-Karp on source → lines →
    groups → sink: its cost depends on the numbers of lines and groups, not of units.
    """
    lines, groups = len(supply), len(slots)
    source, sink = lines + groups, lines + groups + 1
    size = sink + 1
    capacity = [dict[int, int]() for _ in range(size)]

    def edge(a: int, b: int, amount: int) -> None:
        capacity[a][b] = capacity[a].get(b, 0) + amount
        capacity[b].setdefault(a, 0)

    for i, units in enumerate(supply):
        if units:
            edge(source, i, units)
            for g in eligible[i]:
                edge(i, lines + g, units)
    for g, room in enumerate(slots):
        if room:
            edge(lines + g, sink, room)
    flow = 0
    while True:
        parent = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for nxt, left in capacity[node].items():
                if left > 0 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            return flow
        push = None
        node = sink
        while node != source:
            prev = parent[node]
            left = capacity[prev][node]
            push = left if push is None else min(push, left)
            node = prev
        assert push is not None
        node = sink
        while node != source:
            prev = parent[node]
            capacity[prev][node] -= push
            capacity[node][prev] += push
            node = prev
        flow += push
