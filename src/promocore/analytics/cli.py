"""The ``promocore review`` subcommand: a campaign review from order files or a database.

From CSV or Parquet files, read through DuckDB:

    promocore review --orders orders.parquet --campaigns campaigns.toml --html out.html

from tables of a database ibis can reach (PostgreSQL, a warehouse):

    promocore review --database postgres://user@host/shop --orders-table orders
        --campaigns campaigns.toml --html out.html

or, with no ``--orders`` and no ``--database``, from the packaged sample. The orders
(and events) are reduced to sufficient statistics inside the engine; the review is
printed as a summary, and ``--html`` writes the full report (tables, goals, alerts,
charts) as one self-contained page, ``--json`` prints every figure. Bad input is
reported as ``file: field: problem`` with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from promocore.errors import ConfigError, Problem, PromocoreError

if TYPE_CHECKING:
    from promocore.analytics.campaign_report import ReviewReport
    from promocore.analytics.order_stats import ReviewStats
    from promocore.analytics.plan import ReviewPlan
    from promocore.cli import Subparsers


DESCRIPTION = """\
Review campaigns from CSV or Parquet order files (read through DuckDB), from the tables
of a database (--database URL), or, with neither --orders nor --database, from the
packaged sample: AOV, repurchase, retention, CLV, CAC and incremental ROI, goals and
alert lines. Prints a summary; --html writes the full report as one self-contained page
and --json prints every figure.
"""


def register(subparsers: Subparsers) -> None:
    """Add the ``review`` subcommand to the main parser's subparsers.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    parser = subparsers.add_parser(
        "review",
        help="review campaigns from order files or a database: goals, alerts, charts",
        description=DESCRIPTION,
    )
    files = parser.add_argument_group("input files (read through DuckDB)")
    files.add_argument("--orders", metavar="FILE", help="orders, CSV or Parquet")
    files.add_argument("--events", metavar="FILE", help="funnel events, CSV or Parquet")
    files.add_argument("--campaigns", metavar="FILE", help="the review plan (TOML or JSON)")
    database = parser.add_argument_group("or tables of a database")
    database.add_argument("--database", metavar="URL", help="ibis URL, e.g. postgres://u@h/db")
    database.add_argument("--orders-table", metavar="NAME", default="orders")
    database.add_argument("--events-table", metavar="NAME")
    output = parser.add_argument_group("output")
    output.add_argument("--html", metavar="FILE", help="write the report as one HTML page")
    output.add_argument("--json", action="store_true", help="print every figure as JSON")
    output.add_argument(
        "--alerts-to-plugins",
        action="store_true",
        help="pass the alerts to the plugins' promocore_alert hook",
    )
    parser.set_defaults(handler=run)


def _sample(name: str) -> Path:
    return Path(str(resources.files("promocore.analytics").joinpath("sample_data", name)))


def run(args: argparse.Namespace) -> int:
    """Run ``promocore review`` with parsed arguments; return the exit status.

    Raises:
        ConfigError: a file is missing or malformed, a column is missing, or the
            database refused a query.
    """
    from promocore.analytics.plan import load_review_plan

    sample = args.orders is None and args.database is None
    if sample:
        if args.campaigns is not None or args.events is not None:
            raise ConfigError([Problem("--orders", "give the orders with the plan")], "review")
        args.orders = str(_sample("review_orders.csv"))
        args.events = str(_sample("review_events.csv"))
        args.campaigns = str(_sample("review.toml"))
    if args.campaigns is None:
        raise ConfigError([Problem("--campaigns", "the review plan is required")], "review")
    if args.orders is not None and args.database is not None:
        raise ConfigError([Problem("--database", "give --orders files or --database")], "review")
    plan = load_review_plan(args.campaigns)
    stats = _reduce(args, plan)
    from promocore.analytics.campaign_report import build_review

    report = build_review(stats, plan)
    if args.html:
        _write_html(report, args.html)
    if args.json:
        from promocore.stats.cli import _finite

        print(json.dumps(_finite(report.to_dict()), ensure_ascii=False, indent=2))
    else:
        from promocore._console import escape_lines

        print(escape_lines(summary(report, sample=sample, html=args.html)))
    if args.alerts_to_plugins:
        from promocore.analytics.alerts import emit_alerts
        from promocore.plugins import make_host

        emit_alerts(report.alerts, make_host())
    return 0


def _reduce(args: argparse.Namespace, plan: ReviewPlan) -> ReviewStats:
    from promocore.analytics.warehouse import connect, read_table, reduce_table

    if args.database is not None:
        source = args.database
        try:
            con = connect(args.database)
            orders = con.table(args.orders_table)
            events = con.table(args.events_table) if args.events_table else None
        except PromocoreError:
            raise
        except Exception as exc:  # drivers raise their own errors
            raise ConfigError([Problem("", f"cannot open: {_first(exc)}")], source) from None
    else:
        source = args.orders
        con = connect()
        orders = read_table(args.orders, connection=con, kind="orders")
        events = read_table(args.events, connection=con, kind="events") if args.events else None
    try:
        return reduce_table(orders, plan.query(), events=events)
    except ConfigError:
        raise
    except PromocoreError as exc:
        problems = getattr(exc, "problems", (Problem("", str(exc)),))
        raise ConfigError(problems, source) from None
    except Exception as exc:  # the engine refused a query: wrong column types, say
        raise ConfigError([Problem("", f"query failed: {_first(exc)}")], source) from None


def _first(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _write_html(report: ReviewReport, path: str) -> None:
    from promocore.analytics.html_report import render_html

    page = render_html(report)
    try:
        Path(path).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Problem("", f"cannot write: {exc.strerror}")], path) from None


def summary(report: ReviewReport, *, sample: bool = False, html: str | None = None) -> str:
    """Return the review's headline figures, goals and alerts as plain text."""
    from datetime import timezone

    plan = report.plan
    tz = timezone(plan.utc_offset)
    lines = [f"{plan.title} (as of {plan.now.astimezone(tz):%Y-%m-%d %H:%M %z})"]
    if sample:
        lines.append("(the packaged sample; pass --orders and --campaigns for your own data)")
    for c in report.campaigns:
        everyone = c.segments["all"]
        aov = everyone.order_value.aov
        text = (
            f"- {c.plan.label}: {everyone.orders:,} orders, "
            f"{everyone.order_value.revenue.display()} revenue, "
            f"AOV {aov.value.display() if aov else '–'}, ROI {_fmt(c.roi.roi)}"
        )
        inc = c.incremental
        if inc is not None and inc.roi.low is not None and inc.roi.high is not None:
            text += (
                f", incremental ROI {_fmt(inc.roi_exact)} [{inc.roi.low:.2f}, {inc.roi.high:.2f}]"
            )
        lines.append(text)
        for g in c.goals:
            lines.append(f"    goal {g.goal.metric}: {g.status.value} ({g.evidence})")
    alerts = report.alerts
    lines.append(f"{len(alerts)} alerts" + (":" if alerts else ""))
    for a in alerts:
        lines.append(f"  [{a.severity}] {a.campaign} {a.at.astimezone(tz):%Y-%m-%d}: {a.message}")
    if html:
        lines.append(f"wrote {html}")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "–" if value is None else f"{float(value):.2f}"  # type: ignore[arg-type]
