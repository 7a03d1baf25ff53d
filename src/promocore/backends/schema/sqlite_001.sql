-- 1: the ledger's and the store's tables.
CREATE TABLE IF NOT EXISTS ledger_accounts (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    currency TEXT,
    limit_amount INTEGER NOT NULL CHECK (limit_amount >= 0)
);
CREATE TABLE IF NOT EXISTS ledger_counters (
    account TEXT NOT NULL,
    subject TEXT NOT NULL,
    reserved INTEGER NOT NULL CHECK (reserved >= 0),
    committed INTEGER NOT NULL CHECK (committed >= 0),
    PRIMARY KEY (account, subject)
);
CREATE TABLE IF NOT EXISTS ledger_reservations (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    grants TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_us INTEGER NOT NULL,
    created_us INTEGER NOT NULL,
    closed_us INTEGER
);
CREATE INDEX IF NOT EXISTS ledger_reservations_held
    ON ledger_reservations (expires_us) WHERE status = 'held';
CREATE TABLE IF NOT EXISTS ledger_top_ups (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    amount INTEGER NOT NULL,
    limit_after INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS state_records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    payload TEXT NOT NULL,
    due_us INTEGER,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS state_records_due ON state_records (kind, due_us)
    WHERE due_us IS NOT NULL;
