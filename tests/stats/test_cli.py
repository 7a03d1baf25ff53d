from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from promocore.errors import ConfigError, PromocoreError, ValidationError
from promocore.stats.cli import register


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="promocore")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["abtest", *argv])
    code = args.handler(args)
    return code, capsys.readouterr().out


def test_counts_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--control", "1000/10000", "--treatment", "1100/10000"], capsys)
    assert code == 0
    assert "+1.00 pp" in out and "p = 0.0211" in out
    assert "verdict: treatment converts better than control (significant at 5%)" in out


def test_peeking_and_split_checks_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        [
            "--control",
            "1000/10000",
            "--treatment",
            "1100/10000",
            "--tau",
            "0.01",
            "--split",
            "50:50",
        ],
        capsys,
    )
    assert code == 0
    assert "always-valid  p = 0.2677" in out
    assert "sample ratio  ok" in out
    assert "keep running if you peeked" in out


def test_sample_ratio_mismatch_overrides_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(
        ["--control", "5000/50000", "--treatment", "5500/48500", "--split", "50:50"], capsys
    )
    assert "MISMATCH" in out and "do not trust this comparison" in out


def test_csv_with_several_experiments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "arms.csv"
    path.write_text(
        "experiment,arm,n,successes\n"
        "banner,treatment,10000,1100\n"
        "banner,control,10000,1000\n"
        "push,A,500,3\n"
        "push,B,480,0\n",
        encoding="utf-8",
    )
    code, out = _run(["--csv", str(path)], capsys)
    assert code == 0
    assert "A/B test 'banner'" in out and "A/B test 'push'" in out
    assert "fisher-exact" in out
    banner = out.split("A/B test 'push'")[0]
    assert "A  control" in banner and "+1.00 pp" in banner


def test_csv_of_means_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(
        "arm,n,sum,sumsq\nold,1000,50000,5000000\nnew,1000,55000,6000000\n", encoding="utf-8"
    )
    code, out = _run(["--csv", str(path), "--control-arm", "old", "--json"], capsys)
    assert code == 0
    [result] = json.loads(out)
    assert result["metric"] == "mean" and result["arms"] == ["old", "new"]
    assert result["difference"]["estimate"] == pytest.approx(5.0)
    assert result["difference"]["method"] == "welch"


@pytest.mark.parametrize(
    ("argv", "error", "message"),
    [
        (["--control", "1000/10000", "--treatment", "11000/10000"], ValidationError,
         "--treatment successes: must be <= --treatment users (11000 > 10000)"),
        (["--control", "1000 of 10000", "--treatment", "1/2"], ValidationError,
         "expected SUCCESSES/USERS"),
        (["--control", "1/10"], ValidationError, "give --control and --treatment"),
        (["--control", "1/10", "--treatment", "2/10", "--split", "50"], ValidationError, "--split"),
        (["--csv", "/nonexistent/arms.csv"], ConfigError, "cannot read the file"),
        (["--control", "1/10", "--treatment", "2/10", "--alpha", "2"], ValidationError,
         "--alpha: must be between 0 and 1 (exclusive) (got '2')"),
        (["--control", "1/10", "--treatment", "2/10", "--test", "chi2", "--tau", "x"],
         ValidationError,
         "--test: must be one of z-pooled, z-unpooled, welch, fisher, barnard, boschloo "
         "(got 'chi2'); --tau: expected a number, got 'x'"),
    ],
)  # fmt: skip
def test_bad_input_raises_a_promocore_error(
    argv: list[str], error: type[PromocoreError], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(error) as excinfo:
        _run(argv, capsys)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "arm,n\nA,10\nB,10\n",
            "header: missing column(s) sum, sumsq; expected arm, n and successes",
        ),
        ("arm,n,successes\nA,10,1\nB,10,x\n", "line 3.successes: 'x' is not a number"),
        ("arm,n,successes\nA,10,1\nB,10,2\nC,10,3\n", "needs exactly two arms, found 3"),
        (
            "experiment,arm,n,successes\ne1,A,10,1\ne1,B,10,20\n",
            "e1.successes_b: must be <= n_b (20 > 10)",
        ),
    ],
)
def test_malformed_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as excinfo:
        _run(["--csv", str(path)], capsys)
    assert message in str(excinfo.value)


def test_main_command_line_prints_errors_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main = pytest.importorskip("promocore.cli").main
    assert main(["abtest", "--control", "10/100", "--treatment", "120/100"]) == 2
    err = capsys.readouterr().err
    assert "--treatment successes: must be <= --treatment users (120 > 100)" in err
    assert "Traceback" not in err
    assert main(["abtest", "--control", "10/100", "--treatment", "12/100"]) == 0
    assert "verdict:" in capsys.readouterr().out


def test_bayesian_read_out(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--control", "1000/10000", "--treatment", "1100/10000", "--bayesian"], capsys)
    assert code == 0
    assert "Bayesian (beta-binomial, exact)" in out
    assert "chance to win      98.9%   that treatment beats control" in out
    assert "95% credible [+1.4%, +19.3%]" in out
    assert "choosing control: 1 pp, choosing treatment: 0.00156 pp" in out
    _, out = _run(
        ["--control", "1000/10000", "--treatment", "1100/10000", "--bayesian", "--json"], capsys
    )
    bayes = json.loads(out)[0]["bayesian"]
    assert bayes["chance_to_win"] == pytest.approx(0.989457, abs=1e-6)
    assert bayes["model"] == "beta-binomial"


def test_bayesian_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counts = ["--control", "1000/10000", "--treatment", "1100/10000", "--bayesian"]
    _, out = _run([*counts, "--beta-prior", "10:90", "--bayes-method", "approximate"], capsys)
    assert "Bayesian (beta-binomial, approximate)" in out
    path = tmp_path / "spend.csv"
    path.write_text("arm,n,sum,sumsq\ncontrol,1000,50000,5000000\ntreatment,1000,55000,6000000\n")
    _, out = _run(["--csv", str(path), "--bayesian", "--effect-prior", "0.3"], capsys)
    assert "Bayesian (gaussian)" in out and "chance to win" in out


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        (["--beta-prior", "1:1"], "--beta-prior"),
        (["--bayesian", "--beta-prior", "0:1"], "--beta-prior"),
        (["--bayesian", "--beta-prior", "one"], "--beta-prior"),
        (["--bayesian", "--effect-prior", "0.3"], "--effect-prior"),
        (["--bayesian", "--bayes-method", "mcmc"], "--bayes-method"),
    ],
)
def test_bad_bayesian_options(
    extra: list[str], path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        _run(["--control", "1000/10000", "--treatment", "1100/10000", *extra], capsys)
    assert path in [p.path for p in caught.value.problems]
