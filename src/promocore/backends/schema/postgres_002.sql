-- 2: one-call reservations that may commit at once, accounts and top-ups as functions,
-- and an index of settled reservations by when they were settled, for purges.
CREATE INDEX IF NOT EXISTS ledger_reservations_closed
    ON {s}.ledger_reservations (closed_us) WHERE status <> 'held';

-- Draw every item or none; with p_commit, spend it at once. p_items holds, per item, the
-- account, subject, amount and partial flag ('1' or '0') separated by the unit separator
-- (byte 31), items separated by the record separator (byte 30): names cannot hold control
-- characters. The caller has checked that the accounts exist and that the items fit them.
-- Returns 'ok' with the grants, 'found' with the reservation the key already made (committing
-- it when p_commit and it is held), 'refused' with "index:available," for each refused item,
-- or 'expired' (having done nothing) when an item is short while expired holds wait to be
-- given back, each in its own transaction.
-- Locks: counters in (account, subject) order; a reservation row only before them (through
-- ledger_settle), never after, so that no two calls wait on each other.
CREATE OR REPLACE FUNCTION {s}.ledger_draw(
    p_key TEXT, p_fingerprint TEXT, p_now BIGINT, p_expires BIGINT, p_commit BOOLEAN,
    p_items TEXT)
RETURNS TABLE (r_outcome TEXT, r_fingerprint TEXT, r_grants TEXT, r_status TEXT,
               r_expires BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    v_rows TEXT[] := string_to_array(p_items, chr(30));
    v_n INT;
    v_fields TEXT[];
    v_accounts TEXT[] := '{}';
    v_subjects TEXT[] := '{}';
    v_amounts BIGINT[] := '{}';
    v_partial BOOLEAN[] := '{}';
    v_found TEXT;
    v_available BIGINT[];
    v_granted BIGINT[] := '{}';
    v_parts TEXT[] := '{}';
    v_refused TEXT := '';
    v_short BOOLEAN := FALSE;
    v_subject BOOLEAN := FALSE;
    v_grants TEXT;
BEGIN
    SELECT fingerprint INTO v_found FROM {s}.ledger_reservations WHERE key = p_key;
    IF FOUND THEN
        RETURN QUERY SELECT 'found', x.r_fingerprint, x.r_grants, x.r_status, x.r_expires
          FROM {s}.ledger_settle(p_key, p_now,
                 CASE WHEN p_commit AND v_found = p_fingerprint THEN 'committed' ELSE '' END) AS x;
        RETURN;
    END IF;
    v_n := cardinality(v_rows);
    FOR i IN 1 .. v_n LOOP
        v_fields := string_to_array(v_rows[i], chr(31));
        v_accounts[i] := v_fields[1];
        v_subjects[i] := v_fields[2];
        v_amounts[i] := v_fields[3]::BIGINT;
        v_partial[i] := v_fields[4] = '1';
        v_granted[i] := 0;
        IF v_fields[2] <> '' THEN
            v_subject := TRUE;
        END IF;
    END LOOP;
    IF v_subject THEN
        -- Usage counters are made on first use (budgets and stock have theirs already).
        INSERT INTO {s}.ledger_counters (account, subject, reserved, committed)
        SELECT t.a, t.s, 0, 0 FROM unnest(v_accounts, v_subjects) AS t(a, s)
         WHERE t.s <> '' ORDER BY t.a COLLATE "C", t.s COLLATE "C"
        ON CONFLICT (account, subject) DO NOTHING;
    END IF;
    -- Lock the counters in (account, subject) order and read what each item may draw.
    IF v_n = 1 THEN
        SELECT ARRAY[a.limit_amount - c.reserved - c.committed] INTO v_available
          FROM {s}.ledger_counters c JOIN {s}.ledger_accounts a ON a.name = c.account
         WHERE c.account = v_accounts[1] AND c.subject = v_subjects[1]
           FOR UPDATE OF c;
    ELSE
        SELECT array_agg(x.available ORDER BY x.o) INTO v_available
          FROM (SELECT a.limit_amount - c.reserved - c.committed AS available, t.o
                  FROM unnest(v_accounts, v_subjects) WITH ORDINALITY AS t(a, s, o)
                  JOIN {s}.ledger_counters c ON c.account = t.a AND c.subject = t.s
                  JOIN {s}.ledger_accounts a ON a.name = c.account
                 ORDER BY c.account COLLATE "C", c.subject COLLATE "C"
                   FOR UPDATE OF c) AS x;
    END IF;
    IF coalesce(cardinality(v_available), 0) <> v_n THEN
        RAISE EXCEPTION 'promocore ledger: a counter of % is missing', v_accounts;
    END IF;
    FOR i IN 1 .. v_n LOOP
        IF v_amounts[i] <= v_available[i] THEN
            v_granted[i] := v_amounts[i];
        ELSE
            v_short := TRUE;
            IF v_partial[i] AND v_available[i] > 0 THEN
                v_granted[i] := v_available[i];
            ELSE
                v_refused := v_refused || (i - 1) || ':' || greatest(v_available[i], 0) || ',';
            END IF;
        END IF;
        v_parts[i] := json_build_array(v_accounts[i], v_subjects[i], v_amounts[i],
                                       v_granted[i])::TEXT;
    END LOOP;
    IF v_short AND EXISTS (SELECT 1 FROM {s}.ledger_reservations
                            WHERE status = 'held' AND expires_us <= p_now) THEN
        RETURN QUERY SELECT 'expired', NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::BIGINT;
        RETURN;
    END IF;
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
    v_grants := '[' || array_to_string(v_parts, ',') || ']';
    INSERT INTO {s}.ledger_reservations
           (key, fingerprint, grants, status, expires_us, created_us, closed_us)
    VALUES (p_key, p_fingerprint, v_grants,
            CASE WHEN p_commit THEN 'committed' ELSE 'held' END, p_expires, p_now,
            CASE WHEN p_commit THEN p_now END)
    ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'found', r.fingerprint, r.grants, r.status, r.expires_us
                       FROM {s}.ledger_reservations AS r WHERE r.key = p_key;
        RETURN;
    END IF;
    IF v_n = 1 THEN
        IF p_commit THEN
            UPDATE {s}.ledger_counters SET committed = committed + v_granted[1]
             WHERE account = v_accounts[1] AND subject = v_subjects[1];
        ELSE
            UPDATE {s}.ledger_counters SET reserved = reserved + v_granted[1]
             WHERE account = v_accounts[1] AND subject = v_subjects[1];
        END IF;
    ELSIF p_commit THEN
        UPDATE {s}.ledger_counters c SET committed = c.committed + t.g
          FROM unnest(v_accounts, v_subjects, v_granted) AS t(a, s, g)
         WHERE c.account = t.a AND c.subject = t.s;
    ELSE
        UPDATE {s}.ledger_counters c SET reserved = c.reserved + t.g
          FROM unnest(v_accounts, v_subjects, v_granted) AS t(a, s, g)
         WHERE c.account = t.a AND c.subject = t.s;
    END IF;
    RETURN QUERY SELECT 'ok', p_fingerprint, v_grants,
                        CASE WHEN p_commit THEN 'committed' ELSE 'held' END, p_expires;
END
$$;

-- Create an account unless it exists; return it as stored.
CREATE OR REPLACE FUNCTION {s}.ledger_define(
    p_name TEXT, p_kind TEXT, p_currency TEXT, p_limit BIGINT)
RETURNS TABLE (r_kind TEXT, r_currency TEXT, r_limit BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    v_kind TEXT;
BEGIN
    INSERT INTO {s}.ledger_accounts (name, kind, currency, limit_amount)
    VALUES (p_name, p_kind, p_currency, p_limit) ON CONFLICT (name) DO NOTHING;
    SELECT kind INTO v_kind FROM {s}.ledger_accounts WHERE name = p_name;
    IF v_kind <> 'usage' THEN
        INSERT INTO {s}.ledger_counters (account, subject, reserved, committed)
        VALUES (p_name, '', 0, 0) ON CONFLICT (account, subject) DO NOTHING;
    END IF;
    RETURN QUERY SELECT a.kind, a.currency, a.limit_amount
                   FROM {s}.ledger_accounts a WHERE a.name = p_name;
END
$$;

-- Raise an account's limit once per key. Returns 'ok' or 'done' (an earlier top-up with this
-- key) with the account, amount and limit after it, or 'unknown' or 'capacity'.
CREATE OR REPLACE FUNCTION {s}.ledger_top_up(
    p_key TEXT, p_account TEXT, p_amount BIGINT, p_max BIGINT)
RETURNS TABLE (r_outcome TEXT, r_account TEXT, r_amount BIGINT, r_after BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    v_limit BIGINT;
BEGIN
    RETURN QUERY SELECT 'done', t.account, t.amount, t.limit_after
                   FROM {s}.ledger_top_ups t WHERE t.key = p_key;
    IF FOUND THEN
        RETURN;
    END IF;
    SELECT limit_amount INTO v_limit FROM {s}.ledger_accounts WHERE name = p_account FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'unknown', NULL::TEXT, NULL::BIGINT, NULL::BIGINT;
        RETURN;
    END IF;
    IF v_limit + p_amount > p_max THEN
        RETURN QUERY SELECT 'capacity', NULL::TEXT, NULL::BIGINT, NULL::BIGINT;
        RETURN;
    END IF;
    INSERT INTO {s}.ledger_top_ups (key, account, amount, limit_after)
    VALUES (p_key, p_account, p_amount, v_limit + p_amount) ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN  -- the same key, from a call that held the account's lock before us
        RETURN QUERY SELECT 'done', t.account, t.amount, t.limit_after
                       FROM {s}.ledger_top_ups t WHERE t.key = p_key;
        RETURN;
    END IF;
    UPDATE {s}.ledger_accounts SET limit_amount = limit_amount + p_amount WHERE name = p_account;
    RETURN QUERY SELECT 'ok', p_account, p_amount, v_limit + p_amount;
END
$$;
