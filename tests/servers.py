"""Throw-away redis-server and PostgreSQL instances for tests and benchmarks.

Each server runs from a fresh temporary directory on a free port of 127.0.0.1
and is stopped and deleted when its context ends. PostgreSQL refuses to run as
root, so when the tests run as root, ``initdb`` and ``postgres`` run as an
unprivileged user (``nobody`` unless ``PROMOCORE_PG_USER`` names another) from a
directory owned by that user.

A Redis Cluster (``run_redis_cluster``) is six redis-server processes on
loopback ports (three masters, one replica each) joined by ``redis-cli --cluster
create``. ``RedisNode`` and ``PostgresServer`` can be killed with SIGKILL and
started again on the same port and data, for crash tests.

Environment:
    PROMOCORE_REDIS_SERVER: path of the redis-server binary to use (redis-cli is
        looked for beside it, then on the PATH).
    PROMOCORE_PG_BIN: directory holding ``initdb`` and ``postgres``.
    PROMOCORE_PG_USER: the user to run PostgreSQL as when running as root.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import random
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


@attrs.define
class RedisServer:
    """A running redis-server, which a test may kill and start again."""

    port: int
    directory: Path
    pid: int
    binary: str
    host: str = "127.0.0.1"
    args: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = attrs.field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The ``redis://`` URL of database 0."""
        return f"redis://{self.host}:{self.port}/0"

    def kill(self) -> None:
        """Kill the server with SIGKILL (no chance to save anything) and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def start(self) -> None:
        """Start the server again on the same port and directory (loading what it saved)."""
        log = self.directory / "redis.log"
        self.process = subprocess.Popen(
            self.args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        self.pid = self.process.pid
        _wait_for_port(self.port, self.process, "redis-server", log)
        _wait_redis_loaded(self.port)

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None:
            _stop(self.process, signal.SIGTERM)


@attrs.define
class PostgresServer:
    """A running PostgreSQL cluster, which a test may kill and start again."""

    port: int
    directory: Path
    pid: int
    bin_dir: Path
    user: str = "postgres"
    host: str = "127.0.0.1"
    database: str = "postgres"
    args: tuple[str, ...] = ()
    account: tuple[str, int, int] | None = None
    env: dict[str, str] = attrs.field(factory=dict, repr=False)
    process: subprocess.Popen[bytes] | None = attrs.field(default=None, repr=False)

    def kill(self) -> None:
        """Kill the postmaster and every backend with SIGKILL at once, and wait for them."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    os.killpg(self.process.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def start(self) -> None:
        """Start the server again on its data (crash recovery replays the WAL)."""
        log = self.directory / "postgres.log"
        self.process = _popen_as(self.args, self.account, log, self.env, session=True)
        self.pid = self.process.pid
        _wait_for_port(self.port, self.process, "postgres", log)
        _wait_until_ready(self.port, self.process, log)

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


def _redis_args(binary: str, port: int, directory: Path, extra: Sequence[str]) -> list[str]:
    return [
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(directory), "--protected-mode", "no",
        "--logfile", str(directory / "redis.log"), *extra,
    ]  # fmt: skip


def _wait_redis_loaded(port: int) -> None:
    """Wait until the server on ``port`` has loaded its data and answers PING."""
    import redis

    client = redis.Redis(port=port, socket_timeout=5)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if client.ping():
                    return
            except (redis.BusyLoadingError, redis.ConnectionError):
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
    finally:
        client.close()


@contextlib.contextmanager
def run_redis(binary: str, *, extra: Sequence[str] = ()) -> Iterator[RedisServer]:
    """Run a redis-server (without persistence unless ``extra`` says otherwise)."""
    directory = Path(tempfile.mkdtemp(prefix="promocore-redis-"))
    port = free_port()
    server = RedisServer(
        port, directory, 0, binary, args=tuple(_redis_args(binary, port, directory, extra))
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def find_redis_cli(server_binary: str) -> str | None:
    """Return the redis-cli binary beside ``server_binary`` or on the PATH, or ``None``."""
    beside = Path(server_binary).with_name("redis-cli")
    if os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("redis-cli")


def free_cluster_port(taken: set[int]) -> int:
    """Return a free port whose cluster bus port (port + 10000) is free too."""
    for _ in range(1000):
        port = random.randint(20_000, 40_000)
        if port in taken or port + 10_000 in taken:
            continue
        try:
            for candidate in (port, port + 10_000):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                    s.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise ServerError("no free pair of ports for a cluster node")


@attrs.define
class RedisCluster:
    """Six redis-server processes joined into a cluster of three masters with a replica each."""

    nodes: list[RedisServer]
    cli: str

    @property
    def ports(self) -> list[int]:
        """The client ports of the nodes."""
        return [node.port for node in self.nodes]

    @property
    def url(self) -> str:
        """A ``redis+cluster://`` URL seeded from the first node."""
        return f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def node(self, port: int) -> RedisServer:
        """Return the node listening on ``port``."""
        return next(n for n in self.nodes if n.port == port)

    def master_of(self, key: str) -> int:
        """Return the port of the master serving ``key``'s slot now."""
        import redis

        for node in self.nodes:
            if node.process is None or node.process.poll() is not None:
                continue
            client = redis.Redis(port=node.port, socket_timeout=5, decode_responses=True)
            try:
                slot = int(client.execute_command("CLUSTER", "KEYSLOT", key))  # type: ignore[no-untyped-call]
                slots = client.execute_command("CLUSTER", "SLOTS")  # type: ignore[no-untyped-call]
                for start, end, master, *_ in slots:
                    if int(start) <= slot <= int(end):
                        return int(master[1])
            except redis.RedisError:
                continue
            finally:
                client.close()
        raise ServerError(f"no live node knows the master of {key!r}")

    def wait_healthy(self, timeout: float = 60) -> None:
        """Wait until every live node says the cluster is ok and knows every slot's master."""
        import redis

        deadline = time.monotonic() + timeout
        while True:
            healthy = True
            for node in self.nodes:
                if node.process is None or node.process.poll() is not None:
                    continue
                client = redis.Redis(port=node.port, socket_timeout=5, decode_responses=True)
                try:
                    info = client.execute_command("CLUSTER", "INFO")  # type: ignore[no-untyped-call]
                    state = info.get("cluster_state") if isinstance(info, dict) else str(info)
                    if "ok" not in str(state):
                        healthy = False
                except redis.RedisError:
                    healthy = False
                finally:
                    client.close()
            if healthy:
                return
            if time.monotonic() > deadline:
                raise ServerError("the Redis Cluster did not become healthy")
            time.sleep(0.1)

    def wait_replicated(self, timeout: float = 60) -> None:
        """Wait until every master has a replica online (so that ``WAIT 1`` can succeed)."""
        import redis

        deadline = time.monotonic() + timeout
        while True:
            masters = online = 0
            for node in self.nodes:
                if node.process is None or node.process.poll() is not None:
                    continue
                client = redis.Redis(port=node.port, socket_timeout=5, decode_responses=True)
                try:
                    info = client.info("replication")
                except redis.RedisError:
                    continue
                finally:
                    client.close()
                if info.get("role") == "master":
                    masters += 1
                    replicas = [v for k, v in info.items() if k.startswith("slave")]
                    if any(isinstance(r, dict) and r.get("state") == "online" for r in replicas):
                        online += 1
            if masters == 3 and online == 3:
                return
            if time.monotonic() > deadline:
                raise ServerError("the Redis Cluster's replicas did not come online")
            time.sleep(0.1)


@contextlib.contextmanager
def run_redis_cluster(binary: str, *, extra: Sequence[str] = ()) -> Iterator[RedisCluster]:
    """Run a six-node Redis Cluster (three masters, one replica each) until the context ends."""
    cli = find_redis_cli(binary)
    if cli is None:
        raise ServerError("redis-cli was not found (apt-get install redis-tools)")
    root = Path(tempfile.mkdtemp(prefix="promocore-redis-cluster-"))
    nodes: list[RedisServer] = []
    taken: set[int] = set()
    try:
        for index in range(6):
            port = free_cluster_port(taken)
            taken |= {port, port + 10_000}
            directory = root / f"node-{index}"
            directory.mkdir()
            args = _redis_args(
                binary,
                port,
                directory,
                [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", str(directory / "nodes.conf"),
                    "--cluster-node-timeout", "1000",
                    *extra,
                ],
            )  # fmt: skip
            node = RedisServer(port, directory, 0, binary, args=tuple(args))
            node.start()
            nodes.append(node)
        created = subprocess.run(
            [
                cli, "--cluster", "create", *(f"127.0.0.1:{n.port}" for n in nodes),
                "--cluster-replicas", "1", "--cluster-yes",
            ],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if created.returncode != 0:
            raise ServerError(
                f"redis-cli --cluster create failed:\n{created.stdout}{created.stderr}"
            )
        cluster = RedisCluster(nodes, cli)
        cluster.wait_healthy()
        cluster.wait_replicated()
        yield cluster
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(root, ignore_errors=True)


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
    args: Sequence[str],
    account: tuple[str, int, int] | None,
    log: Path,
    env: dict[str, str],
    *,
    session: bool = False,
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        if account is None:
            return subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=session,
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
            start_new_session=session,
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
        server = PostgresServer(
            port, directory, 0, bin_dir, args=tuple(args), account=account, env=env
        )
        try:
            server.start()
            yield server
        finally:
            if server.process is not None:
                _stop(server.process, signal.SIGINT)
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
