"""Human-readable rendering of a quote: a table of lines, then the explanations.

Amounts separate thousands with commas (``¥12,345.00``); columns line up for wide (CJK)
characters. The command line makes the symbols (✓ ✗ → −) fall back to ASCII on
terminals that cannot show them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

from promocore.money import Money
from promocore.quote import Quote


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[int] = ()
) -> list[str]:
    """Return the lines of a plain-text table: a header, a rule, then one line per row.

    Args:
        header: The column titles.
        rows: The cells, one sequence per row, as many as the header has.
        numeric: Indices of the columns aligned to the right.
    """
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for n, row in enumerate([header, *rows]):
        cells = [_pad(cell, widths[i], i in numeric) for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _amount(value: Money) -> str:
    return value.format(grouping=True)


def _money(value: Money) -> str:
    return value.display(grouping=True)


def render_quote(quote: Quote) -> str:
    """Return a plain-text report of ``quote``: lines, totals, decisions and hints."""
    rows = []
    for line in quote.lines:
        sku = line.sku + (f" (gift of {line.gift_of})" if line.gift_of else "")
        rows.append(
            [
                sku,
                str(line.quantity),
                _amount(line.subtotal),
                _amount(line.discount),
                _amount(line.total),
            ]
        )
    lines = [f"Quote at {quote.at.isoformat()} ({quote.currency})", ""]
    lines += table(["sku", "qty", "subtotal", "discount", "total"], rows, {1, 2, 3, 4})
    lines += [
        "",
        f"subtotal {_money(quote.subtotal)}   discount {_money(quote.discount)}   "
        f"total {_money(quote.total)}",
    ]
    if quote.applied:
        lines += ["", "Applied:"]
        for a in quote.applied:
            served = "".join(f" (experiment {e}, arm {arm})" for e, arm in a.arms)
            lines.append(
                f"  ✓ {a.campaign} [{a.stage.value}] −{_money(a.amount)}  {a.message}{served}"
            )
    if quote.not_applied:
        lines += ["", "Not applied:"]
        for n in quote.not_applied:
            gap = f" ({n.gap.text})" if n.gap is not None else ""
            lines.append(f"  ✗ {n.campaign} [{n.stage.value}] {n.reason}: {n.message}{gap}")
    if quote.hints:
        lines += ["", "Hints:"]
        for h in quote.hints:
            lines.append(f"  → {h.message}")
    if quote.budget_draws:
        lines += ["", "Budget draws:"]
        for d in quote.budget_draws:
            lines.append(f"  {d.campaign}: {_money(d.amount)}")
    if quote.effects:
        lines += ["", "Effects:"]
        for e in quote.effects:
            amount = f" {_money(e.amount)}" if e.amount is not None else ""
            detail = ", ".join(f"{k}={v}" for k, v in e.detail)
            lines.append(f"  {e.campaign}: {e.kind}{amount} {detail}".rstrip())
    return "\n".join(lines)
