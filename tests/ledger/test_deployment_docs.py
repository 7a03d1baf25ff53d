"""The deployment how-to's code runs as written, block after block, against real servers.

The how-to names example hosts; the test points them at the servers the session started and
gives each run its own schema and key prefixes.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

from tests import servers

HOW_TO = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "deployment.md"


def test_the_deployment_how_to_runs(
    postgres_server: servers.PostgresServer,
    redis_server: servers.RedisServer,
    redis_cluster: servers.RedisCluster,
    unique_name: str,
) -> None:
    text = HOW_TO.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 7
    replacements = {
        '"postgresql://promo_app@db.internal/shop"': repr(postgres_server.conninfo),
        '"redis+cluster://redis-1.internal:7000"': repr(redis_cluster.url),
        '"redis://redis-1.internal:6379/0"': repr(redis_server.url),
        'schema="promocore"': f'schema="{unique_name}"',
        "{sale-1111-sku42}": "{" + unique_name + "-42}",
        "{sale-1212}": "{" + unique_name + "-1212}",
    }
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            for example, real in replacements.items():
                block = block.replace(example, real)
            exec(compile(block, str(HOW_TO), "exec"), namespace)
    printed = out.getvalue().splitlines()
    assert printed == ["499", "committed", "True False", "2", "False ¥270.00", "0"]
    for name in ("ledger", "store", "sale"):
        opened: Any = namespace[name]
        opened.close()
