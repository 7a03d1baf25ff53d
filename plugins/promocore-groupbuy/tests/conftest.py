"""Stores the group-buy service tests run against: in memory and in a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from promocore.state import MemoryStore, Store
from promocore.state.sqlite import SqliteStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = (
        MemoryStore()
        if request.param == "memory"
        else SqliteStore(tmp_path / "groupbuy.sqlite3", durable=False)
    )
    yield opened
    opened.close()
