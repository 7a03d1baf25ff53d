"""Redis connections for the ledger and the store: one node or a Redis Cluster.

Both backends keep every key under one prefix and run each call as one Lua script. The script is
sent once per server and then called by its SHA1 (``EVALSHA``); a server that lost its script
cache (a restart, a failover) gets it again on the next ``NOSCRIPT`` reply.

On Redis Cluster the prefix must hold a hash tag (``"{promo}:"``): every key of one ledger or
store then hashes to the same slot, so every script touches one slot, and one master serves it.
Spread load over the masters by giving separate ledgers (one per sale or campaign) separate tags.
[`RedisRunner`][promocore.backends.redis.RedisRunner] sends each call to the master owning that
slot, follows ``MOVED`` and ``ASK`` redirections, and rides out failovers and restarts: on a
connection error, a timeout, ``CLUSTERDOWN``, ``TRYAGAIN``, ``LOADING`` or ``READONLY`` it refreshes
the cluster's map and calls again until ``retry_for`` has passed. Calling again is safe because
every call is idempotent (a key names each reservation, top-up and store write).

Redis replicates asynchronously: a master that fails right after answering can take its last
writes with it, and the replica promoted in its place never had them. With ``replicas=N`` the
runner sends ``WAIT N`` after every call on the same connection and raises
[`NotReplicatedError`][promocore.backends.errors.NotReplicatedError] unless N replicas confirmed it,
which closes that window for the failure of one node.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from promocore.backends.errors import BackendUnavailableError, NotReplicatedError
from promocore.backends.names import MAX_NAME_LENGTH
from promocore.errors import ValidationError
from promocore.validation import Checks

#: How long a call keeps trying through failovers and restarts unless told otherwise.
DEFAULT_RETRY_FOR = timedelta(seconds=30)

#: How long ``WAIT`` waits for the replicas unless told otherwise.
DEFAULT_WAIT_TIMEOUT = timedelta(seconds=2)


def import_redis() -> Any:
    """Import redis-py, explaining which extra to install when it is missing."""
    try:
        import redis
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the Redis backend needs redis-py: pip install 'promocore[redis]'"
        ) from error
    return redis


def text(value: object) -> str:
    """Return a Redis reply element as ``str`` (clients may return bytes)."""
    if isinstance(value, bytes):
        return value.decode()
    return str(value)


def check_prefix(prefix: object) -> str:
    """Return ``prefix`` if it is a usable key prefix."""
    if not isinstance(prefix, str) or not prefix or len(prefix) > MAX_NAME_LENGTH:
        raise ValidationError.single("prefix", "must be a non-empty str of at most 200 characters")
    return prefix


def hash_tag(prefix: str) -> str | None:
    """Return the hash tag Redis Cluster would hash keys starting with ``prefix`` by, or None."""
    start = prefix.find("{")
    if start < 0:
        return None
    end = prefix.find("}", start + 1)
    if end <= start + 1:
        return None
    return prefix[start + 1 : end]


CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")


def connect(client: Any) -> Any:
    """Return a redis-py client for ``client``: a client as is, or a URL opened.

    ``redis://`` and ``rediss://`` URLs open one node; ``redis+cluster://host:port`` (or
    ``rediss+cluster://``) opens a ``RedisCluster`` seeded from that node.
    """
    if not isinstance(client, str):
        return client
    redis = import_redis()
    for scheme in CLUSTER_SCHEMES:
        if client.startswith(scheme):
            url = client.replace("+cluster", "", 1)
            return redis.cluster.RedisCluster.from_url(url)
    return redis.Redis.from_url(client)


def connect_async(client: Any) -> Any:
    """Return a ``redis.asyncio`` client for ``client``: a client as is, or a URL opened."""
    if not isinstance(client, str):
        return client
    import_redis()
    import redis.asyncio as aioredis
    import redis.asyncio.cluster as aiocluster

    for scheme in CLUSTER_SCHEMES:
        if client.startswith(scheme):
            return aiocluster.RedisCluster.from_url(client.replace("+cluster", "", 1))
    return aioredis.Redis.from_url(client)


def is_cluster(client: Any) -> bool:
    """Whether ``client`` is a redis-py ``RedisCluster`` (sync or asyncio)."""
    cls = type(client)
    return any(c.__name__ == "RedisCluster" for c in cls.__mro__)


class Script:
    """A Lua script, called by its SHA1 once the server has it."""

    __slots__ = ("sha", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()


def check_durability(replicas: object, wait_timeout: object, retry_for: object) -> None:
    """Check the ``replicas``, ``wait_timeout`` and ``retry_for`` options of a Redis backend."""
    checks = Checks()
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 0 <= replicas <= 16:
        checks.add("replicas", "must be an int from 0 to 16")
    for name, value in (("wait_timeout", wait_timeout), ("retry_for", retry_for)):
        if not isinstance(value, timedelta) or value < timedelta(0):
            checks.add(name, "must be a timedelta >= 0")
    checks.raise_if_any()


def _millis(delta: timedelta) -> int:
    return max(int(delta.total_seconds() * 1000), 0)


class _Errors:
    """The redis-py exception classes the runners tell apart."""

    def __init__(self) -> None:
        exceptions = import_redis().exceptions
        self.no_script = exceptions.NoScriptError
        self.moved = exceptions.MovedError
        self.ask = exceptions.AskError
        self.transient: tuple[type[BaseException], ...] = (
            exceptions.ConnectionError,
            exceptions.TimeoutError,
            exceptions.ClusterDownError,
            exceptions.TryAgainError,
            exceptions.ReadOnlyError,
            exceptions.ClusterError,
        )
        self.response = response = exceptions.ResponseError

        def transient_reply(error: BaseException) -> bool:
            return isinstance(error, response) and str(error).startswith(
                (
                    "LOADING",
                    "READONLY",
                    "MASTERDOWN",
                    "CLUSTERDOWN",
                    "TRYAGAIN",
                    "UNBLOCKED",
                    "WAIT cannot be used with replica",
                )
            )

        self.transient_reply = transient_reply


def _unwrap(replies: list[Any], count: int, *, asked: bool, replicas: int) -> list[Any]:
    """Return the scripts' replies of a pipeline, checking the ``WAIT`` count at its end."""
    body = replies[: 2 * count][1::2] if asked else replies[:count]
    if replicas:
        acked = replies[-1]
        if isinstance(acked, BaseException):
            if any(isinstance(r, BaseException) for r in body):
                return body  # the scripts' own errors (a MOVED, say) tell what to do
            raise acked
        if int(acked) < replicas and not any(isinstance(r, BaseException) for r in body):
            raise NotReplicatedError(replicas, int(acked))
    return body


class _Backoff:
    """Delays between attempts, up to a deadline."""

    def __init__(self, retry_for: timedelta) -> None:
        self._deadline = time.monotonic() + retry_for.total_seconds()
        self._delay = 0.02

    def next(self) -> float | None:
        """Return how long to sleep before the next attempt, or None when time is up."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            return None
        delay = min(self._delay, left)
        self._delay = min(self._delay * 2, 0.5)
        return delay


class RedisRunner:
    """Runs a backend's scripts on the Redis node (or cluster master) holding its keys.

    Args:
        client: A ``redis.Redis`` or ``redis.cluster.RedisCluster`` client.
        anchor: A key of the backend: every key shares its slot on a cluster.
        replicas: Replicas that must confirm every call (``WAIT``); 0 to not wait.
        wait_timeout: How long ``WAIT`` may take.
        retry_for: How long a call keeps trying through failovers and restarts.
    """

    def __init__(
        self,
        client: Any,
        anchor: str,
        *,
        replicas: int = 0,
        wait_timeout: timedelta = DEFAULT_WAIT_TIMEOUT,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
    ) -> None:
        self.client = client
        self.anchor = anchor
        self.replicas = replicas
        self.wait_ms = _millis(wait_timeout)
        self.retry_for = retry_for
        self.cluster = is_cluster(client)
        self._errors = _Errors()
        self._node: Any = None

    def _target(self) -> Any:
        """Return the client of the node serving the anchor's slot."""
        if not self.cluster:
            return self.client
        node = self._node
        if node is None:
            node = self._node = self.client.get_redis_connection(
                self.client.get_node_from_key(self.anchor)
            )
        return node

    def _refresh(self) -> None:
        if self.cluster:
            self._node = None
            # The cluster may still be electing a master; the next attempt tells.
            with contextlib.suppress(Exception):
                self.client.nodes_manager.initialize()

    def run(self, script: Script, args: Sequence[object]) -> Any:
        """Call ``script`` with the anchor as its only key and ``args``; return its reply."""
        if not self.replicas:
            try:  # the common case, in one call: the script is cached, the node is up
                return self._evalsha(self._target(), script, args)
            except Exception:  # anything else goes the careful way, which calls again
                pass
        return self.run_many([(script, args)])[0]

    def _evalsha(self, target: Any, script: Script, args: Sequence[object]) -> Any:
        """Send one ``EVALSHA`` on a connection of ``target``'s pool and read its reply.

        This is the path of nearly every call, so it talks to the pooled connection itself
        rather than through redis-py's command layer (whose retries, observability hooks and
        response callbacks an ``EVALSHA`` does not need: on any failure `run` goes the careful
        way). A connection that failed mid-call is closed before it goes back to the pool, so
        that no later call reads this call's reply.
        """
        if target.connection is not None:  # a single-connection client keeps its own lock
            return target.evalsha(script.sha, 1, self.anchor, *args)
        pool = target.connection_pool
        connection = pool.get_connection()
        try:
            connection.send_command("EVALSHA", script.sha, 1, self.anchor, *args)
            reply = connection.read_response()
        except self._errors.response:  # an error reply: the connection is still in step
            pool.release(connection)
            raise
        except BaseException:
            connection.disconnect()
            pool.release(connection)
            raise
        pool.release(connection)
        return reply

    def run_many(
        self, calls: Sequence[tuple[Script, Sequence[object]]], *, strict: bool = True
    ) -> list[Any]:
        """Call several scripts in one round trip; return their replies in order.

        Each script is atomic on its own; the batch is not. With ``strict`` the first error
        reply is raised, else error replies are returned in place.
        """
        errors = self._errors
        backoff = _Backoff(self.retry_for)
        ask: Any = None
        while True:
            try:
                replies = self._send(calls, ask)
                ask = None
                missing = [i for i, r in enumerate(replies) if isinstance(r, errors.no_script)]
                if missing:
                    target = self._target()
                    for script in {calls[i][0].sha: calls[i][0] for i in missing}.values():
                        target.script_load(script.source)
                    continue
                for reply in replies:
                    if isinstance(reply, errors.moved):
                        raise reply
                    if isinstance(reply, BaseException) and errors.transient_reply(reply):
                        raise reply
                if strict:
                    for reply in replies:
                        if isinstance(reply, BaseException):
                            raise reply
                return replies
            except NotReplicatedError:
                raise
            except errors.moved:
                self._refresh()
            except errors.ask as redirect:
                ask = redirect
                continue
            except errors.transient:
                self._refresh()
            except Exception as error:
                if not errors.transient_reply(error):
                    raise
                self._refresh()
            delay = backoff.next()
            if delay is None:
                raise BackendUnavailableError(
                    f"Redis did not answer within {self.retry_for.total_seconds():g} s"
                )
            time.sleep(delay)

    def _send(self, calls: Sequence[tuple[Script, Sequence[object]]], ask: Any) -> list[Any]:
        target = self._target()
        if ask is not None:  # a slot being migrated: this once, ask the node it is moving to
            node = self.client.get_node(host=ask.host, port=ask.port)
            if node is None:
                self._refresh()
                raise self._errors.moved(f"{ask.slot_id} {ask.host}:{ask.port}")
            target = self.client.get_redis_connection(node)
        if len(calls) == 1 and not self.replicas and ask is None:
            script, args = calls[0]
            try:
                return [target.evalsha(script.sha, 1, self.anchor, *args)]
            except self._errors.no_script as error:
                return [error]
        pipe = target.pipeline(transaction=False)
        for script, args in calls:
            if ask is not None:
                pipe.execute_command("ASKING")
            pipe.evalsha(script.sha, 1, self.anchor, *args)
        if self.replicas:
            # A write of our own, so that WAIT also covers what an earlier, unanswered
            # call of this key wrote from another connection.
            if ask is not None:
                pipe.execute_command("ASKING")
            pipe.incr(self.anchor + ":sync")
            pipe.execute_command("WAIT", self.replicas, self.wait_ms)
        replies: list[Any] = pipe.execute(raise_on_error=False)
        return _unwrap(replies, len(calls), asked=ask is not None, replicas=self.replicas)

    def read(self, *command: object) -> Any:
        """Run one read command on the anchor's node, riding out failovers."""
        errors = self._errors
        backoff = _Backoff(self.retry_for)
        while True:
            try:
                return self._target().execute_command(*command)
            except errors.moved:
                self._refresh()
            except errors.transient:
                self._refresh()
            delay = backoff.next()
            if delay is None:
                raise BackendUnavailableError(
                    f"Redis did not answer within {self.retry_for.total_seconds():g} s"
                )
            time.sleep(delay)

    def read_many(self, commands: Sequence[Sequence[object]]) -> list[Any]:
        """Run read commands in one round trip on the anchor's node; return their replies."""
        errors = self._errors
        backoff = _Backoff(self.retry_for)
        while True:
            try:
                pipe = self._target().pipeline(transaction=False)
                for command in commands:
                    pipe.execute_command(*command)
                replies: list[Any] = pipe.execute()
                return replies
            except (errors.moved, *errors.transient):
                self._refresh()
            delay = backoff.next()
            if delay is None:
                raise BackendUnavailableError(
                    f"Redis did not answer within {self.retry_for.total_seconds():g} s"
                )
            time.sleep(delay)

    def close(self) -> None:
        """Close the client."""
        self.client.close()


class AsyncRedisRunner:
    """[`RedisRunner`][promocore.backends.redis.RedisRunner] for ``redis.asyncio`` clients.

    On a cluster, calls go through ``RedisCluster``'s own routing (which follows ``MOVED`` and
    ``ASK``); ``replicas`` (``WAIT``) needs one node's connection and is refused there.
    """

    def __init__(
        self,
        client: Any,
        anchor: str,
        *,
        replicas: int = 0,
        wait_timeout: timedelta = DEFAULT_WAIT_TIMEOUT,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
    ) -> None:
        self.client = client
        self.anchor = anchor
        self.replicas = replicas
        self.wait_ms = _millis(wait_timeout)
        self.retry_for = retry_for
        self.cluster = is_cluster(client)
        if self.cluster and replicas:
            raise ValidationError.single(
                "replicas", "WAIT needs one node's connection: use the sync client on a cluster"
            )
        self._errors = _Errors()

    async def run(self, script: Script, args: Sequence[object]) -> Any:
        """Call ``script`` with the anchor as its only key and ``args``; return its reply."""
        return (await self.run_many([(script, args)]))[0]

    async def run_many(
        self, calls: Sequence[tuple[Script, Sequence[object]]], *, strict: bool = True
    ) -> list[Any]:
        """Call several scripts in one round trip (see `RedisRunner.run_many`)."""
        import asyncio

        errors = self._errors
        backoff = _Backoff(self.retry_for)
        while True:
            try:
                replies = await self._send(calls)
                missing = [i for i, r in enumerate(replies) if isinstance(r, errors.no_script)]
                if missing:
                    for script in {calls[i][0].sha: calls[i][0] for i in missing}.values():
                        await self.client.script_load(script.source)
                    continue
                for reply in replies:
                    if isinstance(reply, BaseException) and (
                        isinstance(reply, errors.moved) or errors.transient_reply(reply)
                    ):
                        raise reply
                if strict:
                    for reply in replies:
                        if isinstance(reply, BaseException):
                            raise reply
                return replies
            except NotReplicatedError:
                raise
            except errors.moved:
                pass
            except errors.transient:
                pass
            except Exception as error:
                if not errors.transient_reply(error):
                    raise
            delay = backoff.next()
            if delay is None:
                raise BackendUnavailableError(
                    f"Redis did not answer within {self.retry_for.total_seconds():g} s"
                )
            await asyncio.sleep(delay)

    async def _send(self, calls: Sequence[tuple[Script, Sequence[object]]]) -> list[Any]:
        if len(calls) == 1 and not self.replicas:
            script, args = calls[0]
            try:
                return [await self.client.evalsha(script.sha, 1, self.anchor, *args)]
            except self._errors.no_script as error:
                return [error]
        pipe = self.client.pipeline(transaction=False)
        for script, args in calls:
            pipe.evalsha(script.sha, 1, self.anchor, *args)
        if self.replicas:
            pipe.incr(self.anchor + ":sync")
            pipe.execute_command("WAIT", self.replicas, self.wait_ms)
        replies: list[Any] = await pipe.execute(raise_on_error=False)
        return _unwrap(replies, len(calls), asked=False, replicas=self.replicas)

    async def read(self, *command: object) -> Any:
        """Run one read command, riding out failovers."""
        import asyncio

        errors = self._errors
        backoff = _Backoff(self.retry_for)
        while True:
            try:
                return await self.client.execute_command(*command)
            except (errors.moved, *errors.transient):
                pass
            delay = backoff.next()
            if delay is None:
                raise BackendUnavailableError(
                    f"Redis did not answer within {self.retry_for.total_seconds():g} s"
                )
            await asyncio.sleep(delay)

    async def read_many(self, commands: Sequence[Sequence[object]]) -> list[Any]:
        """Run read commands in one round trip; return their replies."""
        import asyncio

        errors = self._errors
        backoff = _Backoff(self.retry_for)
        while True:
            try:
                pipe = self.client.pipeline(transaction=False)
                for command in commands:
                    pipe.execute_command(*command)
                replies: list[Any] = await pipe.execute()
                return replies
            except (errors.moved, *errors.transient):
                pass
            delay = backoff.next()
            if delay is None:
                raise BackendUnavailableError(
                    f"Redis did not answer within {self.retry_for.total_seconds():g} s"
                )
            await asyncio.sleep(delay)

    async def close(self) -> None:
        """Close the client."""
        await self.client.aclose()
