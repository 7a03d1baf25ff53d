"""Turning an [`Analysis`][promocore.stats.Analysis] into a verdict a marketer can read."""

from __future__ import annotations

import math

from promocore.stats.analysis import Analysis
from promocore.stats.results import BayesianResult, ComparisonResult

#: Width of the row labels.
_LABEL = 14


def _num(value: float, digits: int = 2) -> str:
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return f"{value:+,.{digits}f}"


def _pct(value: float, digits: int = 1) -> str:
    return (
        "n/a"
        if math.isnan(value)
        else (_num(value) if math.isinf(value) else f"{100 * value:+.{digits}f}%")
    )


def _pp(value: float) -> str:
    """A rate difference in percentage points."""
    return _num(value) if math.isinf(value) or math.isnan(value) else f"{100 * value:+.2f} pp"


def _p(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


def _line(label: str, result: ComparisonResult, show: object) -> str:
    fmt = show if callable(show) else _num
    low, high = (float(b) for b in result.interval)
    level = f"{100 * (1 - result.alpha):g}%"
    estimate = float(result.estimate)
    p = float(result.p_value)
    how = str(result.method)
    if result.interval_method != result.method:
        how += f"; interval: {result.interval_method}"
    return (
        f"  {label:<{_LABEL}}{fmt(estimate):>10}   {level} CI [{fmt(low)}, {fmt(high)}]   "
        f"p = {_p(p)}   ({how})"
    )


def render_verdict(
    analysis: Analysis,
    *,
    name: str,
    arm_names: tuple[str, str],
    arm_lines: tuple[str, str],
) -> str:
    """Render one experiment's analysis as text, ending with a one-line verdict.

    Args:
        analysis: The analysis of a single experiment (scalar inputs).
        name: The experiment's name (may be empty).
        arm_names: Names of the control and treatment arms.
        arm_lines: One description per arm (counts and rate or mean).

    Returns:
        Several lines of text.
    """
    diff, lift = analysis.difference, analysis.lift
    title = f"A/B test {name!r}" if name else "A/B test"
    lines = [f"{title} ({analysis.metric})"]
    width = max(len(n) for n in arm_names)
    for role, arm, text in zip(("A", "B"), arm_names, arm_lines, strict=True):
        lines.append(f"  {role}  {arm:<{width}}  {text}")
    lines.append(_line("difference", diff, _pp if analysis.metric == "conversion" else _num))
    lines.append(_line("lift", lift, _pct))
    if analysis.sequential is not None:
        seq = analysis.sequential
        p = float(seq.p_value)
        lines.append(f"  {'always-valid':<{_LABEL}}p = {_p(p)}   (mSPRT, tau = {seq.tau:g})")
    if analysis.srm is not None:
        srm = analysis.srm
        planned = ":".join(f"{100 * s:g}" for s in srm.expected_shares)
        state = "MISMATCH" if srm.mismatch else "ok"
        p = float(srm.p_value)
        lines.append(f"  {'sample ratio':<{_LABEL}}{state} (p = {_p(p)}, planned {planned})")
    lines.append(f"  verdict: {_verdict(analysis, arm_names)}")
    if analysis.warnings:
        lines.append("  warnings:")
        lines.extend(f"    - {w}" for w in analysis.warnings)
    return "\n".join(lines)


def _verdict(analysis: Analysis, arm_names: tuple[str, str]) -> str:
    control, treatment = arm_names
    if analysis.srm is not None and analysis.srm.mismatch:
        return (
            "do not trust this comparison: the arms did not get the planned share of users "
            "(sample-ratio mismatch); fix the assignment or logging first"
        )
    diff = analysis.difference
    level = f"{100 * diff.alpha:g}%"
    what = "converts" if analysis.metric == "conversion" else "scores"
    estimate = float(diff.estimate)
    if diff.significant:
        direction = "better" if estimate > 0 else "worse"
        text = f"{treatment} {what} {direction} than {control} (significant at {level})"
        if analysis.sequential is not None and not analysis.sequential.significant:
            text += (
                "; not yet significant on the always-valid p-value, so keep running if you peeked"
            )
        return text
    return f"no significant difference between {treatment} and {control} at {level}"


def render_bayesian(result: BayesianResult, *, metric: str, arm_names: tuple[str, str]) -> str:
    """Render the Bayesian read-out of one experiment (scalar inputs) as text.

    Args:
        result: A [`BayesianResult`][promocore.stats.BayesianResult] of one experiment.
        metric: ``"conversion"`` or ``"mean"`` (how to show the absolute figures).
        arm_names: Names of the control and treatment arms.

    Returns:
        Several lines of text, indented like the frequentist read-out.
    """
    control, treatment = arm_names
    level = f"{100 * (1 - result.alpha):g}%"
    show = _risk_pp if metric == "conversion" else _risk
    chance = float(result.chance_to_win)
    low, high = (float(x) for x in result.lift.interval)
    risk_a, risk_b = (float(x) for x in result.difference.risk)
    how = result.model if result.model == "gaussian" else f"{result.model}, {result.method}"
    lines = [
        f"  Bayesian ({how})",
        f"  {'chance to win':<{_LABEL}}{_chance(chance):>10}   that {treatment} beats {control}",
        f"  {'lift':<{_LABEL}}{_pct(float(result.lift.estimate)):>10}   "
        f"{level} credible [{_pct(low)}, {_pct(high)}]",
        f"  {'risk':<{_LABEL}}choosing {control}: {show(risk_a)}, "
        f"choosing {treatment}: {show(risk_b)} (expected loss)",
    ]
    if result.warnings:
        lines.append("  warnings:")
        lines.extend(f"    - {w}" for w in result.warnings)
    return "\n".join(lines)


def _chance(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def _risk(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.4g}"


def _risk_pp(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.3g} pp"
