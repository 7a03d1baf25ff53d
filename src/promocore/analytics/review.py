"""A campaign review: the analytics results of one campaign, rendered for operators.

`CampaignReview` gathers whichever results a review has (ROI, budget
burn, funnel, coupons, referral fission, reach projection, member tiers) and
renders them as one Markdown report with `to_markdown`, or
as plain values with `to_dict`. It computes nothing itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

import attrs

from promocore.analytics.budget_burn import BudgetBurn
from promocore.analytics.coupons import CouponMetrics, CouponStats
from promocore.analytics.fission import FissionReport
from promocore.analytics.funnel import Funnel, SegmentedFunnel
from promocore.analytics.reach import ReachProjection
from promocore.analytics.roi import RoiReport
from promocore.analytics.tiers import TierAssignment
from promocore.money import Money
from promocore.validation import Checks

__all__ = ["CampaignReview"]

_NONE = "–"


def _pct(value: float | Decimal | None, places: int = 1) -> str:
    if value is None:
        return _NONE
    return f"{float(value) * 100:.{places}f} %"


def _num(value: float | None, places: int = 2) -> str:
    return _NONE if value is None else f"{value:.{places}f}"


def _money(value: Money | None) -> str:
    return _NONE if value is None else value.display()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


@attrs.frozen
class CampaignReview:
    """The results a campaign review presents; every section is optional.

    Attributes:
        title: Name of the campaign or of the review.
        roi: Revenue against cost.
        burn: Budget burn and projection.
        funnel: Conversion funnel, overall and by segment.
        coupons: Coupon claim and redemption figures.
        fission: Referral generations and K-factors.
        reach: Projected reach of the referral campaign.
        tiers: Member tiers after the review.
    """

    title: str
    roi: RoiReport | None = None
    burn: BudgetBurn | None = None
    funnel: SegmentedFunnel | Funnel | None = None
    coupons: CouponMetrics | None = None
    fission: FissionReport | None = None
    reach: ReachProjection | None = None
    tiers: TierAssignment | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(isinstance(self.title, str), "title", "must be a str")
        kinds: dict[str, tuple[type, ...]] = {
            "roi": (RoiReport,),
            "burn": (BudgetBurn,),
            "funnel": (SegmentedFunnel, Funnel),
            "coupons": (CouponMetrics,),
            "fission": (FissionReport,),
            "reach": (ReachProjection,),
            "tiers": (TierAssignment,),
        }
        for name, types in kinds.items():
            value = getattr(self, name)
            if value is not None and not isinstance(value, types):
                expected = " or ".join(t.__name__ for t in types)
                checks.add(name, f"expected {expected} or None, got {type(value).__name__}")
        checks.raise_if_any()

    def to_dict(self) -> dict[str, Any]:
        """Return every section present as plain values."""
        out: dict[str, Any] = {"title": self.title}
        for field in attrs.fields(type(self))[1:]:
            section = getattr(self, field.name)
            if section is not None:
                out[field.name] = section.to_dict()
        return out

    def to_markdown(self, tz: tzinfo = UTC) -> str:
        """Render the review as Markdown, instants shown in ``tz``."""
        lines = [f"# {self.title}", ""]
        if self.roi is not None:
            lines += self._roi(self.roi)
        if self.burn is not None:
            lines += self._burn(self.burn, tz)
        if self.funnel is not None:
            lines += self._funnel(self.funnel)
        if self.coupons is not None:
            lines += self._coupons(self.coupons)
        if self.fission is not None or self.reach is not None:
            lines += self._fission(self.fission, self.reach)
        if self.tiers is not None:
            lines += self._tiers(self.tiers)
        return "\n".join(lines).rstrip() + "\n"

    @staticmethod
    def _roi(roi: RoiReport) -> list[str]:
        c = roi.costs
        rows = [
            ["Revenue", roi.revenue.display()],
            ["Discounts", c.discount.display()],
            ["Commission", c.commission.display()],
            ["Gifts", c.gifts.display()],
            ["Fixed costs", c.fixed.display()],
            ["**Total cost**", roi.total_cost.display()],
            ["**Profit**", roi.profit.display()],
            ["**ROI**", _pct(roi.roi)],
        ]
        return ["## Return on investment", "", *_table(["", "amount"], rows), ""]

    @staticmethod
    def _burn(burn: BudgetBurn, tz: tzinfo) -> list[str]:
        def when(moment: datetime | None) -> str:
            return (
                "never at this pace"
                if moment is None
                else f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"
            )

        rows = [
            ["Budget", burn.budget.display()],
            [f"Reserve ({_pct(burn.reserve_rate, 0)})", burn.reserve.display()],
            ["Spendable", burn.spendable.display()],
            ["Spent", f"{burn.spent.display()} ({_pct(burn.utilisation)} of spendable)"],
            ["Burn per day", burn.burn_per_day.display()],
            ["Spendable budget runs out", when(burn.projected_exhaustion)],
            ["Whole budget runs out", when(burn.projected_budget_exhaustion)],
        ]
        if burn.end is not None:
            rows += [
                ["Planned end", when(burn.end)],
                ["Projected spend at end", _money(burn.projected_spend_at_end)],
                ["Daily pace that lands on the spendable budget", _money(burn.pace_per_day_to_end)],
            ]
        lines = ["## Budget", "", *_table(["", ""], rows), ""]
        if burn.exhausts_before_end:
            lines += ["**At this pace the spendable budget runs out before the planned end.**", ""]
        return lines

    @staticmethod
    def _funnel(funnel: SegmentedFunnel | Funnel) -> list[str]:
        overall = funnel.overall if isinstance(funnel, SegmentedFunnel) else funnel
        rows = [
            [
                overall.stages[0],
                str(overall.counts[0]),
                _NONE,
                _pct(1.0 if overall.counts[0] else None),
            ]
        ]
        for step in overall.steps:
            rows.append(
                [
                    step.to_stage,
                    str(step.converted),
                    _pct(step.conversion),
                    _pct(overall.conversion_to(step.to_stage)),
                ]
            )
        lines = [
            "## Funnel",
            "",
            *_table(["stage", "users", "step conversion", "of first stage"], rows),
        ]
        worst = overall.worst_step
        if worst is not None:
            lines += [
                "",
                f"Biggest loss: {worst.from_stage} → {worst.to_stage}, "
                f"{_pct(worst.drop_off_rate)} of users drop off ({worst.drop_off} users).",
            ]
        if isinstance(funnel, SegmentedFunnel) and funnel.segments:
            header = ["segment", *overall.stages, "overall conversion", "biggest loss"]
            seg_rows = []
            for f in funnel.segments:
                w = f.worst_step
                loss = (
                    _NONE
                    if w is None
                    else f"{w.from_stage} → {w.to_stage} ({_pct(w.drop_off_rate)})"
                )
                seg_rows.append(
                    [str(f.segment), *map(str, f.counts), _pct(f.overall_conversion), loss]
                )
            lines += ["", *_table(header, seg_rows)]
        return [*lines, ""]

    @staticmethod
    def _coupons(coupons: CouponMetrics) -> list[str]:
        def row(name: str, s: CouponStats) -> list[str]:
            median = s.time_to_redeem.median
            return [
                name,
                str(s.offered),
                str(s.claimed),
                _pct(s.claim_rate),
                str(s.redeemed),
                _pct(s.redemption_rate),
                _NONE if median is None else f"{median.total_seconds() / 3600:.1f} h",
            ]

        header = [
            "segment",
            "offered",
            "claimed",
            "claim rate",
            "redeemed",
            "redemption rate",
            "median time to redeem",
        ]
        rows = [row("all", coupons.overall), *(row(str(s.segment), s) for s in coupons.segments)]
        return ["## Coupons", "", *_table(header, rows), ""]

    @staticmethod
    def _fission(fission: FissionReport | None, reach: ReachProjection | None) -> list[str]:
        lines = ["## Referral fission", ""]
        if fission is not None:
            rows = [
                [
                    str(g.generation),
                    str(g.users),
                    _NONE if g.invitations is None else str(g.invitations),
                    _num(g.invitations_per_user),
                    _pct(g.invitation_conversion),
                    _num(g.k_factor),
                ]
                for g in fission.generations
            ]
            header = ["generation", "users", "invitations", "per user", "conversion", "K"]
            lines += _table(header, rows)
            lines += [
                "",
                f"{fission.seeds} seeds grew to {fission.total_users} users "
                f"(×{_num(fission.amplification)}); pooled K = {_num(fission.k_factor())}.",
                "",
            ]
        if reach is not None:
            total = f"{reach.total:,.0f}"
            lines += [
                f"Projection: {reach.seeds} seeds reach about {total} users after "
                f"{reach.generations} generations"
                + (f" (limit about {reach.limit:,.0f})." if reach.limit is not None else "."),
                "",
            ]
        return lines

    @staticmethod
    def _tiers(tiers: TierAssignment) -> list[str]:
        rows = [[name, str(n)] for name, n in reversed(tiers.counts().items())]
        return [
            "## Member tiers",
            "",
            *_table(["tier", "members"], rows),
            "",
            f"Upgraded {tiers.upgraded}, downgraded {tiers.downgraded}, kept {tiers.kept}, "
            f"new {tiers.joined}.",
            "",
        ]
