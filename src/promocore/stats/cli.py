"""The ``promocore abtest`` subcommand.

From counts on the command line:

    promocore abtest --control 1000/10000 --treatment 1100/10000

or from a CSV of per-arm statistics (see [`promocore.stats.arms_csv`][promocore.stats.arms_csv]):

    promocore abtest --csv arms.csv --split 50:50

Prints, per experiment, the difference, the relative lift and a one-line
verdict. ``--bayesian`` adds the Bayesian read-out (chance to win, credible interval of
the lift, expected loss of choosing each arm; see
[`promocore.stats.bayesian`][promocore.stats.bayesian]), with ``--beta-prior ALPHA:BETA``
(conversions) or ``--effect-prior SD`` (a normal prior on the relative lift, for means) and
``--bayes-method exact|approximate``. Bad input raises a
[`PromocoreError`][promocore.errors.PromocoreError], which the
main command line prints without a traceback (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING, Any

from promocore.errors import ConfigError, Problem, ValidationError
from promocore.validation import Checks

if TYPE_CHECKING:
    from promocore.cli import Subparsers
    from promocore.stats.analysis import Analysis
    from promocore.stats.arms_csv import Arm, Experiment
    from promocore.stats.results import BayesianResult


DESCRIPTION = """\
Is the campaign working? Compare a treatment arm with a control arm, from counts
(--control 1000/10000 --treatment 1100/10000) or from a CSV with one row per arm
(--csv arms.csv), and print per experiment the difference, the relative lift and a
one-line verdict.
"""

#: Allowed values of the options that name a method.
_CHOICES: dict[str, tuple[str, ...]] = {
    "--alternative": ("two-sided", "greater", "less"),
    "--test": ("z-pooled", "z-unpooled", "welch", "fisher", "barnard", "boschloo"),
    "--interval": ("newcombe", "wald", "score"),
    "--exact": ("fisher", "barnard", "boschloo", "none"),
    "--lift-method": ("delta-log", "fieller"),
    "--bayes-method": ("exact", "approximate"),
}
_CHOICE_HELP: dict[str, tuple[str, str]] = {
    "--alternative": ("two-sided", "'greater' asks whether the treatment is better (two-sided)"),
    "--test": ("z-pooled", "test of the conversion difference (z-pooled)"),
    "--interval": ("newcombe", "interval of the conversion difference (newcombe)"),
    "--exact": ("fisher", "exact test used for small counts, or none (fisher)"),
    "--lift-method": ("delta-log", "interval of the relative lift (delta-log)"),
    "--bayes-method": ("exact", "Bayesian chance to win and risk for conversions (exact)"),
}


def register(subparsers: Subparsers) -> None:
    """Add the ``abtest`` subcommand to the main parser's subparsers.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    parser = subparsers.add_parser(
        "abtest",
        help="is the campaign working? A/B significance test from counts or a CSV",
        description=DESCRIPTION,
    )
    source = parser.add_argument_group("input (counts or a CSV)")
    source.add_argument("--control", metavar="SUCCESSES/USERS", help="control arm, e.g. 1000/10000")
    source.add_argument(
        "--treatment", metavar="SUCCESSES/USERS", help="treatment arm, e.g. 1100/10000"
    )
    source.add_argument("--csv", metavar="FILE", help="CSV with one row per arm")
    source.add_argument("--control-arm", metavar="NAME", help="name of the control arm in the CSV")
    options = parser.add_argument_group("test options")
    options.add_argument("--alpha", default="0.05", help="significance level (0.05)")
    for option, (default, text) in _CHOICE_HELP.items():
        allowed = _CHOICES[option]
        options.add_argument(
            option, default=default, metavar="{" + ",".join(allowed) + "}", help=text
        )
    options.add_argument("--tau", help="mixture scale: also give an always-valid (mSPRT) p-value")
    options.add_argument("--split", metavar="A:B", help="planned split, e.g. 50:50, checks SRM")
    bayes = parser.add_argument_group("Bayesian read-out")
    bayes.add_argument(
        "--bayesian",
        action="store_true",
        help="also give the chance to win, credible interval and expected loss",
    )
    bayes.add_argument(
        "--beta-prior",
        metavar="ALPHA:BETA",
        help="Beta prior of each arm's conversion rate (uniform 1:1)",
    )
    bayes.add_argument(
        "--effect-prior",
        metavar="SD",
        help="normal prior N(0, SD) on the relative lift of a mean (flat)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``promocore abtest`` with parsed arguments; return the exit status.

    Raises:
        ValidationError: the counts or options are invalid.
        ConfigError: the CSV cannot be read or is malformed.
    """
    from promocore.stats.arms_csv import Arm, Experiment, read_arms_csv

    _check_options(args)
    split = _split(args.split)
    bayes = _bayes_options(args)
    if args.csv:
        if args.control or args.treatment:
            raise ValidationError.single(
                "--csv", "give either --csv or --control/--treatment, not both"
            )
        experiments = read_arms_csv(args.csv, control_arm=args.control_arm)
    else:
        if not (args.control and args.treatment):
            raise ValidationError.single(
                "--control", "give --control and --treatment (SUCCESSES/USERS) or --csv FILE"
            )
        control = _counts("--control", args.control)
        treatment = _counts("--treatment", args.treatment)
        experiments = [
            Experiment(
                "",
                "conversion",
                Arm("control", control[1], control[0]),
                Arm("treatment", treatment[1], treatment[0]),
            )
        ]
    outputs: list[dict[str, Any]] = []
    texts: list[str] = []
    for experiment in experiments:
        try:
            analysis = _analyze(experiment, args, split)
            bayesian = _bayesian(experiment, args, bayes) if args.bayesian else None
        except ValidationError as exc:
            if args.csv:
                found = exc.prefixed(experiment.name) if experiment.name else exc
                raise ConfigError(found.problems, args.csv) from None
            raise _in_option_terms(exc) from None
        names = (experiment.control.name, experiment.treatment.name)
        text = _render(
            analysis,
            experiment.name,
            names,
            (_describe(experiment.control), _describe(experiment.treatment)),
        )
        output = {"experiment": experiment.name, "arms": list(names), **analysis.to_dict()}
        if bayesian is not None:
            from promocore.stats.verdict import render_bayesian

            text += "\n" + render_bayesian(bayesian, metric=experiment.metric, arm_names=names)
            output["bayesian"] = bayesian.to_dict()
        texts.append(text)
        outputs.append(output)
    if args.json:
        print(json.dumps(_finite(outputs), indent=2, ensure_ascii=False))
    else:
        from promocore._console import escape_lines

        print(escape_lines("\n\n".join(texts)))
    return 0


def _analyze(
    experiment: Experiment, args: argparse.Namespace, split: tuple[float, float] | None
) -> Analysis:
    from promocore.stats.analysis import analyze_conversions, analyze_means

    a, b = experiment.control, experiment.treatment
    if experiment.metric == "conversion":
        return analyze_conversions(
            a.n,
            a.successes,
            b.n,
            b.successes,
            test=args.test,
            interval=args.interval,
            lift_method=args.lift_method,
            exact=None if args.exact == "none" else args.exact,
            tau=args.tau,
            expected_split=split,
            alpha=args.alpha,
            alternative=args.alternative,
        )
    return analyze_means(
        a.n,
        a.sum,
        a.sumsq,
        b.n,
        b.sum,
        b.sumsq,
        lift_method=args.lift_method,
        tau=args.tau,
        expected_split=split,
        alpha=args.alpha,
        alternative=args.alternative,
    )


def _bayes_options(args: argparse.Namespace) -> dict[str, Any]:
    """The prior options, parsed; refuse them without ``--bayesian``."""
    from promocore.stats.bayesian import BetaPrior, EffectPrior

    options: dict[str, Any] = {}
    given = [
        o for o in ("--beta-prior", "--effect-prior") if getattr(args, o[2:].replace("-", "_"))
    ]
    if given and not args.bayesian:
        raise ValidationError.single(given[0], "needs --bayesian")
    if args.beta_prior is not None:
        parts = args.beta_prior.replace("/", ":").split(":")
        try:
            if len(parts) != 2:
                raise ValueError
            options["beta"] = BetaPrior(float(parts[0]), float(parts[1]))
        except ValueError:
            raise ValidationError.single(
                "--beta-prior",
                f"expected ALPHA:BETA with both > 0, like 1:1, got {args.beta_prior!r}",
            ) from None
    if args.effect_prior is not None:
        checks = Checks()
        sd = _number(checks, "--effect-prior", args.effect_prior, upper=math.inf)
        checks.raise_if_any()
        options["effect"] = EffectPrior(sd=sd)
    return options


def _bayesian(
    experiment: Experiment, args: argparse.Namespace, options: dict[str, Any]
) -> BayesianResult:
    from promocore.stats.bayesian import bayes_means, bayes_proportions

    a, b = experiment.control, experiment.treatment
    if experiment.metric == "conversion":
        if "effect" in options:
            raise ValidationError.single("--effect-prior", "applies to means; use --beta-prior")
        return bayes_proportions(
            a.n,
            a.successes,
            b.n,
            b.successes,
            prior=options.get("beta"),
            method=args.bayes_method,
            alpha=args.alpha,
        )
    if "beta" in options:
        raise ValidationError.single("--beta-prior", "applies to conversions; use --effect-prior")
    return bayes_means(
        a.n, a.sum, a.sumsq, b.n, b.sum, b.sumsq, prior=options.get("effect"), alpha=args.alpha
    )


def _render(analysis: Analysis, name: str, names: tuple[str, str], lines: tuple[str, str]) -> str:
    from promocore.stats.verdict import render_verdict

    return render_verdict(analysis, name=name, arm_names=names, arm_lines=lines)


def _check_options(args: argparse.Namespace) -> None:
    """Refuse bad option values with a `ValidationError`; convert the numbers."""
    checks = Checks()
    for option, allowed in _CHOICES.items():
        value = getattr(args, option[2:].replace("-", "_"))
        if value not in allowed:
            checks.add(option, f"must be one of {', '.join(allowed)} (got {value!r})")
    args.alpha = _number(checks, "--alpha", args.alpha, upper=1.0)
    if args.tau is not None:
        args.tau = _number(checks, "--tau", args.tau, upper=math.inf)
    checks.raise_if_any()


def _number(checks: Checks, option: str, text: object, *, upper: float) -> float:
    try:
        value = float(str(text))
    except ValueError:
        checks.add(option, f"expected a number, got {text!r}")
        return math.nan
    if not 0 < value < upper:
        bound = f"between 0 and {upper:g} (exclusive)" if math.isfinite(upper) else "> 0"
        checks.add(option, f"must be {bound} (got {text!r})")
    return value


#: How the arguments of the tests read on the command line.
_OPTION_TERMS = {
    "successes_a": "--control successes",
    "successes_b": "--treatment successes",
    "n_a": "--control users",
    "n_b": "--treatment users",
}


def _in_option_terms(exc: ValidationError) -> ValidationError:
    """Restate problems about ``n_a``/``successes_b``... in terms of the options typed."""
    problems = []
    for problem in exc.problems:
        path, message = problem.path, problem.message
        for name, term in _OPTION_TERMS.items():
            path, message = path.replace(name, term), message.replace(name, term)
        problems.append(Problem(path, message))
    return ValidationError(problems)


def _counts(option: str, text: str) -> tuple[float, float]:
    """Parse ``SUCCESSES/USERS``."""
    parts = text.replace(" ", "").split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        successes, users = (float(p.replace(",", "").replace("_", "")) for p in parts)
    except ValueError:
        raise ValidationError.single(
            option, f"expected SUCCESSES/USERS like 120/1000, got {text!r}"
        ) from None
    return successes, users


def _split(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.replace("/", ":").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        a, b = (float(p) for p in parts)
    except ValueError:
        raise ValidationError.single("--split", f"expected A:B like 50:50, got {text!r}") from None
    if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
        raise ValidationError.single("--split", f"both shares must be > 0, got {text!r}")
    return a, b


def _describe(arm: Arm) -> str:
    if arm.successes is not None:
        rate = f"{100 * arm.successes / arm.n:.2f}%" if arm.n > 0 else "n/a"
        return f"{arm.successes:,.0f} / {arm.n:,.0f} users converted = {rate}"
    mean = f"{arm.sum / arm.n:,.4g}" if arm.sum is not None and arm.n > 0 else "n/a"
    return f"mean {mean} over {arm.n:,.0f} users"


def _finite(value: Any) -> Any:
    """Replace non-finite floats by ``None`` so the output is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value
