"""Throw-away redis-server and PostgreSQL instances for tests and benchmarks.

Each server runs from a fresh temporary directory on a free port of 127.0.0.1
and is stopped and deleted when its context ends. PostgreSQL refuses to run as
root, so when the tests run as root, ``initdb`` and ``postgres`` run as an
unprivileged user (``nobody`` unless ``PROMOCORE_PG_USER`` names another) from a
directory owned by that user.

Environment:
    PROMOCORE_REDIS_SERVER: path of the redis-server binary to use.
    PROMOCORE_PG_BIN: directory holding ``initdb`` and ``postgres``.
    PROMOCORE_PG_USER: the user to run PostgreSQL as when running as root.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs


@attrs.frozen
class RedisServer:
    """A running redis-server."""

    port: int
    directory: Path
    pid: int
    binary: str
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        """The ``redis://`` URL of database 0."""
        return f"redis://{self.host}:{self.port}/0"


@attrs.frozen
class PostgresServer:
    """A running PostgreSQL cluster."""

    port: int
    directory: Path
    pid: int
    bin_dir: Path
    user: str = "postgres"
    host: str = "127.0.0.1"
    database: str = "postgres"

    @property
    def conninfo(self) -> str:
        """A libpq connection string for the superuser."""
        return (
            f"host={self.host} port={self.port} user={self.user} dbname={self.database}"
            " connect_timeout=10"
        )


class ServerError(RuntimeError):
    """A server could not be started."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def find_redis_server() -> str | None:
    """Return the redis-server binary, or ``None`` when it is not installed."""
    explicit = os.environ.get("PROMOCORE_REDIS_SERVER")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("redis-server")


def find_postgres_bin() -> Path | None:
    """Return the directory holding ``initdb`` and ``postgres``, or ``None``."""
    candidates: list[Path] = []
    explicit = os.environ.get("PROMOCORE_PG_BIN")
    if explicit:
        candidates.append(Path(explicit))
    else:
        initdb = shutil.which("initdb")
        if initdb:
            candidates.append(Path(initdb).resolve().parent)
        versions = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
        candidates += versions
        candidates += [Path("/usr/local/pgsql/bin"), Path("/opt/homebrew/bin")]
    for directory in candidates:
        if all(os.access(directory / tool, os.X_OK) for tool in ("initdb", "postgres")):
            return directory
    return None


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"{what} exited with {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise ServerError(f"{what} did not listen on port {port} within 60 s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextlib.contextmanager
def run_redis(binary: str, *, extra: Sequence[str] = ()) -> Iterator[RedisServer]:
    """Run a redis-server without persistence until the context ends."""
    directory = Path(tempfile.mkdtemp(prefix="promocore-redis-"))
    port = free_port()
    log = directory / "redis.log"
    args = [
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(directory), "--protected-mode", "no",
        "--logfile", str(log), *extra,
    ]  # fmt: skip
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, "redis-server", log)
        yield RedisServer(port, directory, process.pid, binary)
    finally:
        _stop(process, signal.SIGTERM)
        shutil.rmtree(directory, ignore_errors=True)


def _runas() -> tuple[str, int, int] | None:
    """Return (name, uid, gid) of the user to run PostgreSQL as, or None to stay as is."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("PROMOCORE_PG_USER", "nobody")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ServerError(
            f"running as root, and user {name!r} to run PostgreSQL as does not exist;"
            " set PROMOCORE_PG_USER to an unprivileged user"
        ) from None
    if entry.pw_uid == 0:
        raise ServerError(f"PROMOCORE_PG_USER={name!r} is root; PostgreSQL refuses to run as root")
    return name, entry.pw_uid, entry.pw_gid


def _reachable_tempdir(account: tuple[str, int, int] | None) -> str | None:
    """Return a temporary directory every user can reach when switching users, else None.

    The default temporary directory may sit under a private home directory
    (``TMPDIR=/root/tmp``), which the unprivileged user could not enter.
    """
    if account is None:
        return None
    for candidate in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"):
        path = Path(candidate)
        if path.is_dir() and all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents)):
            return str(path)
    raise ServerError("no temporary directory that an unprivileged user can enter")


def _popen_as(
    args: Sequence[str], account: tuple[str, int, int] | None, log: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        if account is None:
            return subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
            )
        _, uid, gid = account
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            user=uid,
            group=gid,
            extra_groups=[],
        )


@contextlib.contextmanager
def run_postgres(
    bin_dir: Path, *, settings: Sequence[str] = ("fsync=off", "full_page_writes=off")
) -> Iterator[PostgresServer]:
    """Initialise and run a PostgreSQL cluster until the context ends.

    Args:
        bin_dir: Where ``initdb`` and ``postgres`` are.
        settings: ``name=value`` server settings; the default turns off disk
            syncs, which tests do not need (the server is thrown away).
    """
    account = _runas()
    directory = Path(tempfile.mkdtemp(prefix="promocore-pg-", dir=_reachable_tempdir(account)))
    data = directory / "data"
    log = directory / "postgres.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(directory),
        "LC_ALL": "C",
        "TZ": "UTC",
    }
    try:
        if account is not None:
            os.chown(directory, account[1], account[2])
        log.touch()
        if account is not None:
            os.chown(log, account[1], account[2])
        initdb = _popen_as(
            [
                str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                "--no-locale", "--encoding=UTF8", "--no-sync",
            ],
            account,
            log,
            env,
        )  # fmt: skip
        if initdb.wait(180) != 0:
            raise ServerError(f"initdb failed:\n{_tail(log)}")
        port = free_port()
        args = [
            str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
            "-k", str(directory), "-c", "max_connections=200",
        ]  # fmt: skip
        for setting in settings:
            args += ["-c", setting]
        process = _popen_as(args, account, log, env)
        try:
            _wait_for_port(port, process, "postgres", log)
            _wait_until_ready(port, process, log)
            yield PostgresServer(port, directory, process.pid, bin_dir)
        finally:
            _stop(process, signal.SIGINT)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _wait_until_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + 60
    while True:
        try:
            with psycopg.connect(
                f"host=127.0.0.1 port={port} user=postgres dbname=postgres connect_timeout=5"
            ):
                return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"postgres did not accept connections:\n{_tail(log)}") from None
            time.sleep(0.1)
