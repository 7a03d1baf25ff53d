-- 2: find settled reservations by when they were settled, for purges.
CREATE INDEX IF NOT EXISTS ledger_reservations_closed
    ON ledger_reservations (closed_us) WHERE status <> 'held';
