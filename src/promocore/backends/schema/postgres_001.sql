-- 1: the ledger's and the store's tables, and the ledger's reserve and settle functions.
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

CREATE TABLE IF NOT EXISTS {s}.state_records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL CHECK (version > 0),
    payload JSONB NOT NULL,
    due_us BIGINT,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS state_records_due ON {s}.state_records (kind, due_us)
    WHERE due_us IS NOT NULL;
