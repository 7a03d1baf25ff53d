"""One self-contained HTML page for a review: tables, goals, alerts and SVG charts inline.

[`render_html`][promocore.analytics.html_report.render_html] turns a
[`ReviewReport`][promocore.analytics.campaign_report.ReviewReport] into a single HTML
document with no external resource at all (styles inline, charts as inline SVG), so
it can be mailed, archived or opened offline. Every chart sits in a
``<figure class="chart">`` with a caption saying what it shows. Needs the ``plots``
extra for the charts.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from decimal import Decimal

from promocore.analytics.campaign_report import CampaignFigures, ReviewReport, SegmentFigures
from promocore.analytics.estimates import MoneyEstimate, RateEstimate
from promocore.analytics.goals import GoalStatus
from promocore.money import Money

__all__ = ["render_html"]

_NONE = "–"

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif;
       color: #1f2933; margin: 0; background: #f5f7fa; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 1px solid #e4e7eb;
     padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 8px; }
p.meta { color: #52606d; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 10px; text-align: right;
         vertical-align: top; }
th:first-child, td:first-child, th.text { text-align: left; }
th { background: #f0f4f8; font-weight: 600; }
td.text { text-align: left; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
         font-weight: 600; white-space: nowrap; }
.met { background: #d1fae5; color: #065f46; } .on-track { background: #dbeafe; color: #1e40af; }
.at-risk { background: #fef3c7; color: #92400e; } .missed { background: #fee2e2; color: #991b1b; }
.critical { background: #fee2e2; color: #991b1b; } .warning { background: #fef3c7; color: #92400e; }
ul.alerts { padding-left: 0; list-style: none; } ul.alerts li { margin: 6px 0; }
figure.chart { margin: 12px 0 20px; display: block; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #52606d; font-size: 12px; margin-top: 4px; }
.small { color: #52606d; font-size: 12px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _money(value: Money | None) -> str:
    return _NONE if value is None else value.display()


def _interval(value: MoneyEstimate | None) -> str:
    if value is None:
        return _NONE
    bounds = f"[{value.low.display()}, {value.high.display()}]"
    return f"{value.value.display()} <span class=small>{bounds}</span>"


def _rate(value: RateEstimate | None) -> str:
    if value is None or value.rate is None or value.low is None or value.high is None:
        return _NONE
    return (
        f"{value.rate:.1%} <span class=small>[{value.low:.1%}, {value.high:.1%}]"
        f" of {value.n:,}</span>"
    )


def _number(value: Decimal | float | None, digits: int = 2) -> str:
    return _NONE if value is None else f"{float(value):,.{digits}f}"


def _change(value: Decimal | None, absolute: bool = False) -> str:
    if value is None:
        return _NONE
    return f"{float(value):+.2f}" if absolute else f"{float(value):+.1%}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], text_columns: int = 1) -> str:
    head = "".join(
        f'<th class="text">{_e(h)}</th>' if i < text_columns else f"<th>{_e(h)}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="text">{c}</td>' if i < text_columns else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(svg: str, chart: str, caption: str) -> str:
    return (
        f'<figure class="chart" data-chart="{_e(chart)}">{svg}'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _status(status: GoalStatus) -> str:
    css = status.value.replace(" ", "-")
    return f'<span class="badge {css}">{_e(status.value)}</span>'


def _goals(report: ReviewReport, tz: tzinfo) -> str:
    rows = []
    for c in report.campaigns:
        for g in c.goals:
            deadline = g.goal.deadline or c.plan.end
            segment = f" ({g.goal.segment})" if g.goal.segment else ""
            rows.append(
                [
                    _e(c.plan.label),
                    _e(g.goal.metric + segment),
                    _e(f"{deadline.astimezone(tz):%Y-%m-%d}"),
                    _status(g.status),
                    _e(g.evidence),
                ]
            )
    if not rows:
        return "<p>No goals were set.</p>"
    return _table(["campaign", "goal", "deadline", "status", "evidence"], rows, text_columns=5)


def _alerts(report: ReviewReport, tz: tzinfo) -> str:
    items = [
        f'<li><span class="badge {_e(a.severity)}">{_e(a.severity)}</span> '
        f"<strong>{_e(report.plan.campaign(a.campaign).label)}</strong> · {_e(a.kind)} · "
        f"{_e(f'{a.at.astimezone(tz):%Y-%m-%d %H:%M}')}: {_e(a.message)}</li>"
        for a in report.alerts
    ]
    if not items:
        return "<p>No alert line was crossed.</p>"
    return f'<ul class="alerts">{"".join(items)}</ul>'


def _comparison(report: ReviewReport) -> str:
    rows = []
    for r in report.comparison.rows:
        rows.append(
            [
                _e(r.title),
                _number(r.audience, 0) if r.audience is not None else _NONE,
                f"{r.customers:,}",
                f"{r.new_customers:,}",
                _money(r.revenue),
                _money(r.cost),
                _money(r.aov),
                _NONE if r.repurchase_rate is None else f"{r.repurchase_rate:.1%}",
                _number(r.roi),
                _number(r.incremental_roi),
                _money(r.cac),
                _number(r.ltv_to_cac),
            ]
        )
    main = _table(
        [
            "campaign", "audience", "buyers", "new", "revenue", "cost", "AOV",
            "repurchase", "ROI", "incr. ROI", "CAC", "LTV:CAC",
        ],
        rows,
    )  # fmt: skip
    normalised = [
        [
            _e(r.title),
            _money(r.revenue_per_customer),
            _money(r.incremental_revenue_per_customer),
            _number(r.revenue_per_cost),
            _number(r.new_customers_per_1000),
            _number(r.incremental_revenue_per_cost),
        ]
        for r in report.comparison.rows
    ]
    per = _table(
        [
            "campaign", "revenue / customer", "incr. revenue / customer", "revenue / unit cost",
            "new customers / 1,000 cost", "incr. revenue / unit cost",
        ],
        normalised,
    )  # fmt: skip
    editions = [
        [
            _e(r.title),
            _e(report.plan.campaign(r.previous).label),
            _change(r.change.get("revenue_per_customer")),
            _change(r.change.get("revenue_per_cost")),
            _change(r.change.get("aov")),
            _change(r.change.get("repurchase_rate")),
            _change(r.change.get("roi"), absolute=True),
        ]
        for r in report.comparison.rows
        if r.previous is not None
    ]
    out = main + "<h3>Per customer and per unit of cost</h3>" + per
    if editions:
        out += "<h3>Against the previous edition</h3>" + _table(
            [
                "campaign", "previous", "revenue / customer", "revenue / unit cost", "AOV",
                "repurchase", "ROI (difference)",
            ],
            editions,
            text_columns=2,
        )  # fmt: skip
    return out


def _forest(report: ReviewReport) -> str:
    from promocore.analytics.charts import forest_chart

    rows = []
    for c in report.campaigns:
        inc = c.incremental
        if inc is None or inc.roi.value is None or inc.roi.low is None or inc.roi.high is None:
            continue
        rows.append((c.plan.label, inc.roi.value, inc.roi.low, inc.roi.high))
    if not rows:
        return "<p>No campaign has a holdout group: no incremental figures.</p>"
    svg = forest_chart(rows, xlabel="incremental ROI over the holdout", name="forest-roi")
    return _figure(
        svg,
        "forest-roi",
        "Incremental ROI of each campaign over its holdout, with 95 % intervals; the dashed "
        "line is ROI 0 (the campaign paid back its cost, no more).",
    )


def _segment_row(name: str, s: SegmentFigures) -> list[str]:
    return [
        _e(name),
        f"{s.customers:,}",
        f"{s.orders:,}",
        _money(s.order_value.revenue),
        _interval(s.order_value.aov),
        _rate(s.repurchase),
        _money(s.discount),
    ]


def _campaign(c: CampaignFigures, report: ReviewReport, tz: tzinfo, index: int) -> str:
    from promocore.analytics.charts import burn_chart, funnel_chart

    plan = c.plan
    parts = [
        f'<section id="campaign-{index}"><h2>{_e(plan.label)}</h2>',
        f'<p class="meta">{_e(f"{plan.start.astimezone(tz):%Y-%m-%d}")} to '
        f"{_e(f'{plan.end.astimezone(tz):%Y-%m-%d}')}"
        + (
            f" · audience {plan.audience.treated:,} treated, {plan.audience.holdout:,} held out"
            if plan.audience
            else ""
        )
        + "</p>",
    ]
    seg_rows = [_segment_row(name, s) for name, s in c.segments.items()]
    if c.holdout is not None:
        seg_rows.append(_segment_row("holdout", c.holdout))
    parts.append(
        _table(
            [
                "customers",
                "buyers",
                "orders",
                "revenue",
                "AOV [95 %]",
                f"repurchase in {report.plan.repurchase_days} days",
                "discounts",
            ],
            seg_rows,
        )
    )
    roi = c.roi
    money_rows = [
        ["Revenue", _money(roi.revenue)],
        ["Discounts", _money(roi.costs.discount)],
        ["Fixed costs", _money(roi.costs.fixed)],
        ["ROI", _number(roi.roi)],
        ["New customers", f"{c.acquisition.new_customers:,}"],
        ["CAC", _money(c.acquisition.cac)],
        ["LTV:CAC", _number(c.clv_to_cac)],
    ]
    inc = c.incremental
    if inc is not None:
        low = _NONE if inc.roi.low is None else f"{inc.roi.low:.2f}"
        high = _NONE if inc.roi.high is None else f"{inc.roi.high:.2f}"
        money_rows += [
            [
                "Revenue per treated / held-out customer",
                f"{inc.revenue_per_treated.display()} / {inc.revenue_per_holdout.display()}",
            ],
            ["Incremental revenue [95 %]", _interval(inc.incremental_revenue)],
            ["Incremental cost", _money(inc.incremental_cost)],
            ["Incremental margin [95 %]", _interval(inc.incremental_margin)],
            [
                "Incremental ROI [95 %]",
                f"{_number(inc.roi_exact)} <span class=small>[{low}, {high}]</span>",
            ],
        ]
    parts.append(_table(["", "value"], money_rows))
    if c.burn is not None:
        b = c.burn
        parts.append(
            _figure(
                burn_chart(plan, c.days, b, name=f"burn-{index}"),
                f"burn-{index}",
                f"Budget burn-down: {b.spent.display()} spent of {b.budget.display()} "
                f"({b.reserve.display()} held in reserve); at {b.burn_per_day.display()} a day.",
            )
        )
    if c.funnel is not None:
        parts.append(
            _figure(
                funnel_chart(c.funnel, name=f"funnel-{index}"),
                f"funnel-{index}",
                "Funnel: users at each stage who reached every earlier one.",
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _cohorts(report: ReviewReport) -> str:
    from promocore.analytics.charts import retention_heatmap

    if not report.cohorts.cohorts:
        return "<p>No orders: no cohorts.</p>"
    svg = retention_heatmap(report.cohorts, name="retention")
    m = report.clv
    model = [
        ["Margin per active customer and period", _interval(m.margin_per_period)],
        ["Retention from one period to the next", _rate(m.retention)],
        ["Discount rate per period", f"{float(m.discount_rate):.1%}"],
        ["Horizon", "none" if m.horizon is None else f"{m.horizon} {report.cohorts.period}s"],
        ["Predicted CLV of a new customer [95 %]", _interval(m.clv)],
    ]
    return (
        _figure(
            svg,
            "retention",
            f"Retention by {report.cohorts.period} of the first order: share of each cohort "
            "ordering again in each later period; in parentheses, periods not over yet.",
        )
        + "<h3>Customer lifetime value</h3>"
        + _table(["", "value"], model)
        + '<p class="small">CLV = m · (1 − q<sup>H</sup>) / (1 − q) with q = r / (1 + d): '
        "a new customer stays active from one period to the next with probability r.</p>"
    )


def render_html(report: ReviewReport) -> str:
    """Render a review as one self-contained HTML document (instants at the plan's offset)."""
    from datetime import timezone

    plan = report.plan
    tz = timezone(plan.utc_offset)
    met = sum(g.status is GoalStatus.MET for g in report.goals)
    sections = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(plan.title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(plan.title)}</h1>",
        f'<p class="meta">As of {_e(f"{plan.now.astimezone(tz):%Y-%m-%d %H:%M %z}")} · '
        f"{len(report.campaigns)} campaigns · {len(report.goals)} goals, {met} met · "
        f"{len(report.alerts)} alerts · amounts in {_e(plan.currency)}</p>",
        "<h2>Alerts</h2>",
        _alerts(report, tz),
        "<h2>Goals</h2>",
        _goals(report, tz),
        "<h2>Campaigns side by side (复盘)</h2>",
        _comparison(report),
        _forest(report),
    ]
    sections += [_campaign(c, report, tz, i) for i, c in enumerate(report.campaigns)]
    sections += ["<h2>Retention cohorts</h2>", _cohorts(report), "</main></body></html>"]
    return "\n".join(sections) + "\n"
