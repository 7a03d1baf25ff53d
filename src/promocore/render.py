"""Human-readable rendering of a quote: a table of lines, then the explanations."""

from __future__ import annotations

import unicodedata

from promocore.quote import Quote


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for n, row in enumerate([header, *rows]):
        cells = [_pad(cell, widths[i], i in numeric) for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def render_quote(quote: Quote) -> str:
    """Return a plain-text report of ``quote``: lines, totals, decisions and hints."""
    rows = []
    for line in quote.lines:
        sku = line.sku + (f" (gift of {line.gift_of})" if line.gift_of else "")
        rows.append(
            [
                sku,
                str(line.quantity),
                line.subtotal.format(),
                line.discount.format(),
                line.total.format(),
            ]
        )
    lines = [f"Quote at {quote.at.isoformat()} ({quote.currency})", ""]
    lines += _table(["sku", "qty", "subtotal", "discount", "total"], rows, {1, 2, 3, 4})
    lines += [
        "",
        f"subtotal {quote.subtotal.display()}   discount {quote.discount.display()}   "
        f"total {quote.total.display()}",
    ]
    if quote.applied:
        lines += ["", "Applied:"]
        for a in quote.applied:
            lines.append(f"  ✓ {a.campaign} [{a.stage.value}] −{a.amount.display()}  {a.message}")
    if quote.not_applied:
        lines += ["", "Not applied:"]
        for n in quote.not_applied:
            lines.append(f"  ✗ {n.campaign} [{n.stage.value}] {n.reason}: {n.message}")
    if quote.hints:
        lines += ["", "Hints:"]
        for h in quote.hints:
            lines.append(f"  → {h.message}")
    if quote.budget_draws:
        lines += ["", "Budget draws:"]
        for d in quote.budget_draws:
            lines.append(f"  {d.campaign}: {d.amount.display()}")
    if quote.effects:
        lines += ["", "Effects:"]
        for e in quote.effects:
            amount = f" {e.amount.display()}" if e.amount is not None else ""
            detail = ", ".join(f"{k}={v}" for k, v in e.detail)
            lines.append(f"  {e.campaign}: {e.kind}{amount} {detail}".rstrip())
    return "\n".join(lines)
