"""A ledger in PostgreSQL: for many processes on many machines.

Needs the ``promocore[postgres]`` extra (psycopg 3). Create the tables once,
before the first ledger connects, with [`create_schema`][promocore.ledger.postgres.create_schema]
(or apply [`schema_sql`][promocore.ledger.postgres.schema_sql] through your migration tool).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from promocore.backends.database import Row
from promocore.backends.postgres import PostgresDatabase, check_schema_name, run_script
from promocore.ledger.clock import Clock, from_micros, system_clock, to_micros
from promocore.ledger.errors import IdempotencyKeyReusedError, ReservationRefusedError
from promocore.ledger.model import AccountSpec, Draw, Reservation, ReservationStatus, Shortfall
from promocore.ledger.planning import check_fit, decode_grants
from promocore.ledger.sql import Raced, SqlLedger, account_from_row

_DDL = """
SELECT pg_advisory_xact_lock(7316011);
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.ledger_accounts (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('budget', 'stock', 'usage')),
    currency TEXT,
    limit_amount BIGINT NOT NULL CHECK (limit_amount >= 0)
);
CREATE TABLE IF NOT EXISTS {s}.ledger_counters (
    account TEXT NOT NULL,
    subject TEXT NOT NULL,
    reserved BIGINT NOT NULL CHECK (reserved >= 0),
    committed BIGINT NOT NULL CHECK (committed >= 0),
    PRIMARY KEY (account, subject)
);
CREATE TABLE IF NOT EXISTS {s}.ledger_reservations (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    grants TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_us BIGINT NOT NULL,
    created_us BIGINT NOT NULL,
    closed_us BIGINT
);
CREATE INDEX IF NOT EXISTS ledger_reservations_held
    ON {s}.ledger_reservations (expires_us) WHERE status = 'held';
CREATE TABLE IF NOT EXISTS {s}.ledger_top_ups (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    amount BIGINT NOT NULL,
    limit_after BIGINT NOT NULL
);

-- Lock reservation p_key; expire it if due, else move it to p_action ('' to only look)
-- if held. Counters are updated in (account, subject) order.
CREATE OR REPLACE FUNCTION {s}.ledger_settle(p_key TEXT, p_now BIGINT, p_action TEXT)
RETURNS TABLE (r_fingerprint TEXT, r_grants TEXT, r_status TEXT, r_expires BIGINT,
               r_changed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_row {s}.ledger_reservations%ROWTYPE;
    v_status TEXT;
    v_grant JSONB;
BEGIN
    SELECT * INTO v_row FROM {s}.ledger_reservations WHERE key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_status := v_row.status;
    IF v_status = 'held' THEN
        IF v_row.expires_us <= p_now THEN
            v_status := 'expired';
        ELSIF p_action <> '' THEN
            v_status := p_action;
        END IF;
    END IF;
    IF v_status <> v_row.status THEN
        FOR v_grant IN
            SELECT e FROM jsonb_array_elements(v_row.grants::jsonb) AS e
            ORDER BY (e->>0) COLLATE "C", (e->>1) COLLATE "C"
        LOOP
            UPDATE {s}.ledger_counters
               SET reserved = reserved - (v_grant->>3)::BIGINT,
                   committed = committed + CASE WHEN v_status = 'committed'
                                                THEN (v_grant->>3)::BIGINT ELSE 0 END
             WHERE account = v_grant->>0 AND subject = v_grant->>1;
        END LOOP;
        UPDATE {s}.ledger_reservations SET status = v_status, closed_us = p_now
         WHERE key = p_key;
    END IF;
    RETURN QUERY SELECT v_row.fingerprint, v_row.grants, v_status, v_row.expires_us,
                        v_status <> v_row.status;
END
$$;

-- Draw every item or none. The caller has checked that the accounts exist and that
-- the items fit them. Returns 'ok' with the grants, 'found' with the reservation the
-- key already made, 'refused' with "index:available," for each refused item, or
-- 'expired' (having done nothing) when expired holds must be given back first.
-- Locks: counters in (account, subject) order; a reservation row only before them
-- (through ledger_settle), never after, so that no two calls wait on each other.
CREATE OR REPLACE FUNCTION {s}.ledger_reserve(
    p_key TEXT, p_fingerprint TEXT, p_now BIGINT, p_expires BIGINT,
    p_accounts TEXT[], p_subjects TEXT[], p_amounts BIGINT[], p_partial BOOLEAN[])
RETURNS TABLE (r_outcome TEXT, r_fingerprint TEXT, r_grants TEXT, r_status TEXT,
               r_expires BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    v_n INT := cardinality(p_accounts);
    v_available BIGINT;
    v_granted BIGINT[] := array_fill(0::BIGINT, ARRAY[cardinality(p_accounts)]);
    v_refused TEXT := '';
    v_grants TEXT;
BEGIN
    IF EXISTS (SELECT 1 FROM {s}.ledger_reservations
                WHERE status = 'held' AND expires_us <= p_now) THEN
        -- Expired holds must be given back first, each in its own transaction.
        RETURN QUERY SELECT 'expired', NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::BIGINT;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM {s}.ledger_reservations WHERE key = p_key) THEN
        RETURN QUERY SELECT 'found', x.r_fingerprint, x.r_grants, x.r_status, x.r_expires
                       FROM {s}.ledger_settle(p_key, p_now, '') AS x;
        RETURN;
    END IF;
    INSERT INTO {s}.ledger_counters (account, subject, reserved, committed)
    SELECT t.a, t.s, 0, 0 FROM unnest(p_accounts, p_subjects) AS t(a, s)
     WHERE t.s <> '' ORDER BY t.a COLLATE "C", t.s COLLATE "C"
    ON CONFLICT (account, subject) DO NOTHING;
    PERFORM 1 FROM {s}.ledger_counters c
      JOIN unnest(p_accounts, p_subjects) AS t(a, s) ON c.account = t.a AND c.subject = t.s
     ORDER BY c.account COLLATE "C", c.subject COLLATE "C"
       FOR UPDATE OF c;
    FOR i IN 1 .. v_n LOOP
        SELECT a.limit_amount - c.reserved - c.committed INTO v_available
          FROM {s}.ledger_counters c JOIN {s}.ledger_accounts a ON a.name = c.account
         WHERE c.account = p_accounts[i] AND c.subject = p_subjects[i];
        IF NOT FOUND THEN
            RAISE EXCEPTION 'promocore ledger: no counter for %/%', p_accounts[i], p_subjects[i];
        END IF;
        IF p_amounts[i] <= v_available THEN
            v_granted[i] := p_amounts[i];
        ELSIF p_partial[i] AND v_available > 0 THEN
            v_granted[i] := v_available;
        ELSE
            v_refused := v_refused || (i - 1) || ':' || greatest(v_available, 0) || ',';
        END IF;
    END LOOP;
    IF v_refused <> '' THEN
        -- A concurrent call with this key may have taken the last of an account while
        -- this one waited for the locks: then its reservation is this call's result.
        IF EXISTS (SELECT 1 FROM {s}.ledger_reservations WHERE key = p_key) THEN
            RETURN QUERY SELECT 'found', r.fingerprint, r.grants, r.status, r.expires_us
                           FROM {s}.ledger_reservations AS r WHERE r.key = p_key;
        ELSE
            RETURN QUERY SELECT 'refused', v_refused, NULL::TEXT, NULL::TEXT, NULL::BIGINT;
        END IF;
        RETURN;
    END IF;
    SELECT json_agg(json_build_array(t.a, t.s, t.q, t.g) ORDER BY t.o)::TEXT INTO v_grants
      FROM unnest(p_accounts, p_subjects, p_amounts, v_granted) WITH ORDINALITY
           AS t(a, s, q, g, o);
    INSERT INTO {s}.ledger_reservations
           (key, fingerprint, grants, status, expires_us, created_us)
    VALUES (p_key, p_fingerprint, v_grants, 'held', p_expires, p_now)
    ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'found', r.fingerprint, r.grants, r.status, r.expires_us
                       FROM {s}.ledger_reservations AS r WHERE r.key = p_key;
        RETURN;
    END IF;
    FOR i IN 1 .. v_n LOOP
        UPDATE {s}.ledger_counters SET reserved = reserved + v_granted[i]
         WHERE account = p_accounts[i] AND subject = p_subjects[i];
    END LOOP;
    RETURN QUERY SELECT 'ok', p_fingerprint, v_grants, 'held', p_expires;
END
$$;
"""


def schema_sql(schema: str = "promocore") -> str:
    """Return the DDL that creates the ledger's tables in ``schema``.

    The statements are idempotent (``IF NOT EXISTS``) and take an advisory lock,
    so running them from several processes at once is safe.

    Raises:
        ValidationError: ``schema`` is not a plain lower-case identifier.
    """
    return _DDL.replace("{s}", check_schema_name(schema))


def create_schema(conninfo: str, *, schema: str = "promocore") -> None:
    """Create the ledger's tables in ``schema`` unless they exist.

    Args:
        conninfo: A libpq connection string or URL for a role allowed to create
            the schema and its tables.
        schema: The PostgreSQL schema to put the tables in.
    """
    run_script(conninfo, schema_sql(schema))


class PostgresLedger(SqlLedger):
    """A [`Ledger`][promocore.ledger.Ledger] in PostgreSQL.

    Reserving and settling (commit, release, expiry) each run as one call of a
    server-side function (``ledger_reserve``, ``ledger_settle``): one round trip
    and one transaction, which locks the reservation row first and the counter
    rows after it, always in (account, subject) order, so concurrent calls never
    deadlock. The other calls run short transactions of plain SQL shared with
    [`SqliteLedger`][promocore.ledger.sqlite.SqliteLedger]. One instance holds one
    connection per process, shared by its threads.

    Args:
        conninfo: A libpq connection string or URL.
        schema: The schema holding the tables made by
            [`create_schema`][promocore.ledger.postgres.create_schema].
        clock: Where the time comes from when a call gives no ``now``.
    """

    def __init__(
        self, conninfo: str, *, schema: str = "promocore", clock: Clock = system_clock
    ) -> None:
        prefix = check_schema_name(schema) + "."
        super().__init__(PostgresDatabase(conninfo), prefix=prefix, clock=clock)
        self._cache: dict[str, AccountSpec] = {}
        self._cache_lock = threading.Lock()

    def _call(self, sql: str, params: Sequence[object]) -> list[Row]:
        """Run one statement on its own, retrying deadlocks and serialisation failures."""
        for attempt in range(20):
            try:
                return self._db.query(self._q(sql), params)
            except Exception as error:
                if attempt == 19 or not self._db.retryable(error):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _known(self, names: Sequence[str]) -> dict[str, AccountSpec]:
        """Return the accounts among ``names`` (kind and currency never change)."""
        with self._cache_lock:
            known = {n: self._cache[n] for n in names if n in self._cache}
        missing = [n for n in names if n not in known]
        if missing:
            rows = self._call(
                "SELECT name, kind, currency, limit_amount FROM {p}ledger_accounts"
                " WHERE name = ANY(CAST(? AS text[]))",
                (missing,),
            )
            found = {spec.name: spec for spec in map(account_from_row, rows)}
            with self._cache_lock:
                self._cache.update(found)
            known.update(found)
        return known

    def _reclaim_before_reserve(self, moment: datetime) -> None:
        """Leave it to ``ledger_reserve``, which says when there is something to reclaim."""

    def _reserve_once(
        self, key: str, draws: Sequence[Draw], digest: str, moment: datetime, ttl: timedelta
    ) -> Reservation:
        check_fit(draws, self._known(sorted({d.account for d in draws})))
        expires = to_micros(moment + ttl)
        (row,) = self._call(
            "SELECT * FROM {p}ledger_reserve(?, ?, ?, ?, CAST(? AS text[]), CAST(? AS text[]),"
            " CAST(? AS bigint[]), CAST(? AS boolean[]))",
            (
                key,
                digest,
                to_micros(moment),
                expires,
                [d.account for d in draws],
                [d.subject or "" for d in draws],
                [d.amount for d in draws],
                [d.partial for d in draws],
            ),
        )
        outcome, found_digest, grants, status, found_expires = row
        if outcome == "expired":
            self._reclaim(moment)
            raise Raced
        if outcome == "refused":
            shortfalls = []
            for part in str(found_digest).rstrip(",").split(","):
                index, available = (int(x) for x in part.split(":"))
                d = draws[index]
                shortfalls.append(Shortfall(index, d.account, d.amount, available, d.subject))
            raise ReservationRefusedError(key, shortfalls)
        view = Reservation(
            key, decode_grants(grants), from_micros(found_expires), ReservationStatus(status)
        )
        if outcome == "found":
            if found_digest != digest:
                raise IdempotencyKeyReusedError(key)
            if view.status is ReservationStatus.HELD and view.expires_at <= moment:
                return self._expire(key, moment)[0] or view
        return view

    def _settle_key(
        self, key: str, moment: datetime, action: ReservationStatus | None
    ) -> tuple[Reservation, bool] | None:
        rows = self._call(
            "SELECT * FROM {p}ledger_settle(?, ?, ?)",
            (key, to_micros(moment), "" if action is None else action.value),
        )
        if not rows:
            return None
        _, grants, status, expires, changed = rows[0]
        view = Reservation(
            key, decode_grants(grants), from_micros(expires), ReservationStatus(status)
        )
        return view, bool(changed)
