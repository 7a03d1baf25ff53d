"""The HTML report is self-contained, and headless Chromium shows every chart in it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from promocore.analytics.campaign_report import ReviewReport, review_orders
from promocore.analytics.charts import funnel_chart
from promocore.analytics.funnel import funnel_from_counts
from promocore.analytics.html_report import render_html
from promocore.analytics.plan import load_review_plan
from tests.analytics.review_builders import (
    columns,
    event_columns,
    sample_events,
    sample_orders,
    sample_path,
)
from tests.conftest import server_unavailable

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Runs in the page once it is laid out: for every chart, whether a person would see it.
PROBE = """
<script>
(function () {
  var out = [];
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var svg = figure.querySelector("svg");
    var result = {chart: figure.getAttribute("data-chart"), svg: !!svg};
    if (svg) {
      svg.scrollIntoView({block: "center"});
      var box = svg.getBoundingClientRect();
      var style = getComputedStyle(svg);
      var hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      result.width = box.width;
      result.height = box.height;
      result.shown = style.display !== "none" && style.visibility === "visible"
        && parseFloat(style.opacity) > 0;
      result.inside = box.left >= 0 && box.right <= document.documentElement.scrollWidth + 1;
      result.on_top = !!hit && (hit === svg || svg.contains(hit));
      result.drawn = svg.querySelectorAll("path, use").length;
    }
    out.push(result);
  });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def report() -> ReviewReport:
    plan = load_review_plan(sample_path("review.toml"))
    return review_orders(plan, **columns(sample_orders()), **event_columns(sample_events()))


def test_the_page_needs_nothing_from_outside(report: ReviewReport) -> None:
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url(http"):
        assert forbidden not in page
    # The only addresses are XML namespace names, which are never fetched.
    addresses = set(re.findall(r"https?://[^\"' )]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert page.count('<figure class="chart"') == 8
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids repeat across charts"


def test_charts_are_deterministic() -> None:
    funnel = funnel_from_counts([100, 40, 10], stages=["exposure", "click", "paid"])
    assert funnel_chart(funnel) == funnel_chart(funnel)
    assert funnel_chart(funnel).startswith('<svg role="img" aria-label="funnel" ')


def test_headless_chromium_shows_every_chart(report: ReviewReport, tmp_path: Path) -> None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        server_unavailable("chromium is not installed (apt-get install chromium)")
    page = render_html(report).replace("</body>", PROBE + "</body>")
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="promocore-chromium-")
    try:
        result = subprocess.run(
            [
                binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                "--window-size=1280,900", "--dump-dom", path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, flags=re.DOTALL)
    assert found, result.stdout[-2000:]
    charts = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert len(charts) == 8
    names = {c["chart"] for c in charts}
    assert {"forest-roi", "retention", "burn-0", "funnel-0", "burn-2", "funnel-2"} <= names
    for chart in charts:
        assert chart["svg"], chart
        assert chart["width"] > 200 and chart["height"] > 100, chart
        assert chart["shown"] and chart["inside"] and chart["on_top"], chart
        assert chart["drawn"] > 10, chart
