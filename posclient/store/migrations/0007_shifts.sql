-- Store operations (issue 7): shifts with their float and blind count, cash moved in and out
-- of the drawer, and Z reports (one per business day, numbered without gaps). Each is written
-- in one transaction with its outbox event.
CREATE TABLE shifts (
    id           INTEGER PRIMARY KEY,
    shift_no     INTEGER NOT NULL UNIQUE,       -- gap-free on this till
    staff_id     INTEGER NOT NULL,              -- who opened it
    opened_at    TEXT NOT NULL,
    float_counts TEXT NOT NULL,                 -- JSON {denomination: pieces}
    float_total  INTEGER NOT NULL CHECK (float_total >= 0),
    closed_at    TEXT,
    closed_by    INTEGER,
    counted      TEXT,                          -- JSON {tender: amount}; cash also by piece
    expected     TEXT,                          -- JSON {tender: amount}, worked out at close
    comment      TEXT NOT NULL DEFAULT '',
    approved_by  INTEGER                        -- the manager who accepted a large difference
);
CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_at IS NULL)) WHERE closed_at IS NULL;

CREATE TABLE cash_movements (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shifts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('cash_in', 'paid_out', 'safe_drop')),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    reason      TEXT NOT NULL,
    staff_id    INTEGER NOT NULL,
    approved_by INTEGER,
    at          TEXT NOT NULL,
    event_id    TEXT NOT NULL UNIQUE
);
CREATE INDEX cash_movements_at ON cash_movements (at);

CREATE TABLE z_reports (
    z_no         INTEGER PRIMARY KEY,           -- gap-free on this till
    business_day TEXT NOT NULL UNIQUE,          -- one Z per business day
    from_at      TEXT,                          -- after the previous Z (NULL: the first)
    to_at        TEXT NOT NULL,
    staff_id     INTEGER NOT NULL,
    approved_by  INTEGER,
    figures      TEXT NOT NULL,                 -- JSON: the report as printed
    event_id     TEXT NOT NULL UNIQUE
);
CREATE INDEX sales_completed ON sales (completed_at);
