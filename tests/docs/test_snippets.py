"""Every Python block of the README, the tutorial and the how-tos runs as written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import servers
from tests.docs.snippets import PAGES, ROOT, run_page


@pytest.fixture
def page_environment(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """What a page's reader has: for the deployment page, servers to point it at."""
    page: Path = request.node.callspec.params["page"]
    if page.name == "deployment.md":
        postgres: servers.PostgresServer = request.getfixturevalue("postgres_server")
        redis: servers.RedisServer = request.getfixturevalue("redis_server")
        cluster: servers.RedisCluster = request.getfixturevalue("redis_cluster")
        monkeypatch.setenv("PROMOCORE_DSN", postgres.conninfo)
        monkeypatch.setenv("PROMOCORE_REDIS", redis.url)
        monkeypatch.setenv("PROMOCORE_REDIS_CLUSTER", cluster.url)
    yield


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_the_page_runs_as_written(
    page: Path,
    page_environment: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # any folder: the pages read nothing beside them
    run = run_page(page)
    assert run.blocks_run > 0
