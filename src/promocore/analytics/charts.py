"""Charts of a review as SVG text: funnel, budget burn-down, forest plot, retention heatmap.

Each function returns one self-contained ``<svg>`` element (text drawn as paths, no
external fonts or images) ready to be inlined in HTML, or written to a ``.svg`` file.
Charts are drawn with matplotlib's object API (no pyplot, no global state), so they
can be drawn from any thread of a server. Output is deterministic: the same figures
give the same SVG.

Requires the ``plots`` extra (``pip install 'promocore[plots]'``); matplotlib is
imported when a chart is drawn, not by ``import promocore``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from promocore.errors import ConfigError, Problem

if TYPE_CHECKING:
    from promocore.analytics.budget_burn import BudgetBurn
    from promocore.analytics.funnel import Funnel
    from promocore.analytics.order_stats import DayStats
    from promocore.analytics.plan import CampaignPlan
    from promocore.analytics.retention import RetentionCohorts

__all__ = ["burn_chart", "forest_chart", "funnel_chart", "retention_heatmap"]

_INK = "#1f2933"
_MUTED = "#7b8794"
_ACCENT = "#2563eb"
_WARN = "#d97706"
_BAD = "#dc2626"


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - exercised without the extra only
        raise ConfigError(
            [Problem("", "charts need the plots extra: pip install 'promocore[plots]'")]
        ) from None
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _svg(fig: Any, name: str) -> str:
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": f"promocore-{name}"}):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    # Ids must be unique across the charts of one page: prefix them with the chart's name.
    prefix = re.sub(r"[^A-Za-z0-9-]", "-", name)
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{prefix}-\2"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{prefix}" ', 1)


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=_INK, labelsize=9)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(_MUTED)


def funnel_chart(funnel: Funnel, *, name: str = "funnel") -> str:
    """Draw a funnel as horizontal bars, each labelled with its users and step conversion."""
    fig = _figure(6.4, 0.5 + 0.45 * len(funnel.stages))
    ax = fig.subplots()
    counts = list(funnel.counts)
    positions = list(range(len(counts)))[::-1]
    ax.barh(positions, counts, color=_ACCENT, height=0.62)
    peak = max(counts) if counts and max(counts) > 0 else 1
    for i, (y, n) in enumerate(zip(positions, counts, strict=True)):
        step = "" if i == 0 or not counts[i - 1] else f"  {n / counts[i - 1]:.0%} of previous"
        ax.text(n + peak * 0.01, y, f"{n:,}{step}", va="center", fontsize=9, color=_INK)
    ax.set_yticks(positions, labels=list(funnel.stages))
    ax.set_xlim(0, peak * 1.45)
    ax.set_xlabel("users", color=_INK, fontsize=9)
    _style(ax)
    return _svg(fig, name)


def burn_chart(
    plan: CampaignPlan,
    days: Sequence[DayStats],
    burn: BudgetBurn,
    *,
    name: str = "burn",
) -> str:
    """Draw a budget burn-down: spend so far, the projection, the budget and the reserve line.

    The solid line is the cumulative spend at the end of each day; the dashed one
    continues it to the campaign's end at the measured pace. The horizontal lines are
    the whole budget and the spendable budget (budget minus the contingency reserve):
    crossing the lower one means the reserve is in use.
    """
    fig = _figure(6.4, 3.0)
    ax = fig.subplots()
    total_days = (plan.end - plan.start) / timedelta(days=1)
    x = [0.0]
    y = [0.0]
    spent = 0
    for d in sorted(days, key=lambda d: d.day):
        spent += d.discount
        x.append(min(d.day + 1.0, (burn.now - plan.start) / timedelta(days=1)))
        y.append(spent / 10 ** _digits(burn.budget.currency))
    scale = 10 ** _digits(burn.budget.currency)
    ax.plot(x, y, color=_ACCENT, linewidth=2, label="spent")
    now_x = (burn.now - plan.start) / timedelta(days=1)
    top = max(y)
    if burn.now < plan.end:
        pace = burn.burn_per_day.amount / scale
        end_y = y[-1] + pace * (total_days - now_x)
        top = max(top, end_y)
        ax.plot(
            [now_x, total_days], [y[-1], end_y], color=_ACCENT, linestyle="--", label="at this pace"
        )
    ax.axhline(burn.budget.amount / scale, color=_BAD, linewidth=1.2, label="budget")
    ax.axhline(
        burn.spendable.amount / scale,
        color=_WARN,
        linewidth=1.2,
        linestyle=":",
        label=f"spendable (reserve {float(burn.reserve_rate):.0%})",
    )
    ax.set_xlim(0, total_days)
    ax.set_ylim(0, max(burn.budget.amount / scale, top) * 1.2)
    ax.set_xlabel("days since start", color=_INK, fontsize=9)
    ax.set_ylabel(f"spend ({burn.budget.currency})", color=_INK, fontsize=9)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    _style(ax)
    return _svg(fig, name)


def _digits(currency: str) -> int:
    from promocore.money import minor_units

    return int(minor_units(currency))


def forest_chart(
    rows: Sequence[tuple[str, float, float, float]],
    *,
    xlabel: str,
    reference: float = 0.0,
    name: str = "forest",
) -> str:
    """Draw estimates with their intervals, one row each (a forest plot).

    Args:
        rows: ``(label, estimate, low, high)`` per row, drawn top to bottom.
        xlabel: What the estimates are.
        reference: A vertical line (0 for a difference, 1 for break-even ROI...).
        name: Prefix of the SVG's ids (unique per page).
    """
    fig = _figure(6.4, 0.8 + 0.45 * max(len(rows), 1))
    ax = fig.subplots()
    positions = list(range(len(rows)))[::-1]
    for y, (_, value, low, high) in zip(positions, rows, strict=True):
        colour = _ACCENT if low > reference or high < reference else _MUTED
        ax.plot([low, high], [y, y], color=colour, linewidth=2)
        ax.plot([value], [y], marker="s", color=colour, markersize=7)
        ax.text(high, y + 0.18, f" {value:.2f} [{low:.2f}, {high:.2f}]", fontsize=8, color=_INK)
    ax.axvline(reference, color=_BAD, linewidth=1, linestyle="--")
    ax.set_yticks(positions, labels=[r[0] for r in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    if rows:
        lows = [r[2] for r in rows] + [reference]
        highs = [r[3] for r in rows] + [reference]
        span = max(highs) - min(lows) or 1.0
        ax.set_xlim(min(lows) - 0.05 * span, max(highs) + 0.45 * span)
    ax.set_xlabel(xlabel, color=_INK, fontsize=9)
    _style(ax)
    return _svg(fig, name)


def retention_heatmap(cohorts: RetentionCohorts, *, name: str = "retention") -> str:
    """Draw the retention table as a heatmap: one row per cohort, one column per period.

    Cells show the share of the cohort (size in parentheses after its label) active
    in each later period; a share in parentheses is of a period not over yet.
    """
    import numpy as np

    rows = cohorts.cohorts
    later = max(cohorts.max_offset, 1)  # periods after the first: the first is always 100 %
    fig = _figure(min(1.8 + 0.42 * later, 11.0), 0.9 + 0.3 * max(len(rows), 1))
    ax = fig.subplots()
    grid = np.full((max(len(rows), 1), later), np.nan)
    for i, cohort in enumerate(rows):
        for k, estimate in enumerate(cohort.retention[1:]):
            if estimate.rate is not None:
                grid[i, k] = estimate.rate
    peak = float(np.nanmax(grid)) if not np.isnan(grid).all() else 1.0
    ax.imshow(
        np.ma.masked_invalid(grid), cmap="Blues", vmin=0.0, vmax=max(peak, 0.01), aspect="auto"
    )
    for i, cohort in enumerate(rows):
        for k, estimate in enumerate(cohort.retention[1:]):
            if estimate.rate is None:
                continue
            text = f"{estimate.rate:.0%}"
            if not cohort.complete[k + 1]:
                text = f"({text})"
            dark = estimate.rate > 0.6 * peak
            colour = "white" if dark else _INK
            ax.text(k, i, text, ha="center", va="center", fontsize=6.5, color=colour)
    ax.set_yticks(range(len(rows)), labels=[f"{c.label} ({c.size})" for c in rows], fontsize=7)
    ax.set_xticks(range(later), labels=[str(k + 1) for k in range(later)], fontsize=7)
    ax.set_xlabel(f"{cohorts.period}s after the first order", color=_INK, fontsize=9)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _svg(fig, name)
