-- A claim of a shared suspended sale (sync/parked.py), written before it is sent: a claim the
-- central granted is never lost, even when its answer is (the sync cycle asks again and keeps
-- the cart as one of this till's suspended sales). cart: NULL until the central answered.
CREATE TABLE parked_claims (
    park_id    TEXT PRIMARY KEY,
    own_id     INTEGER,              -- suspended_sales.id when it is this till's own sale
    staff_id   INTEGER,              -- who suspended it (from the central's answer)
    label      TEXT NOT NULL DEFAULT '',
    total      INTEGER NOT NULL DEFAULT 0,
    cart       TEXT,
    created_at TEXT NOT NULL,
    claimed_at TEXT
) WITHOUT ROWID;
