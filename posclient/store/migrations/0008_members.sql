-- Members and loyalty points at the till (issue 6).
-- Members signed up at this till, until the central's copy arrives in the feed (members). The
-- till makes the member number itself ("<store><terminal>M<counter>", counter 'member'), so a
-- new member collects points at once, offline; the central keeps that number.
CREATE TABLE member_signups (
    member_no       TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE,   -- the member_signup outbox event
    name            TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL,
    tier            TEXT NOT NULL DEFAULT 'standard',
    consent_version TEXT NOT NULL,          -- the privacy text the customer agreed to
    consented_at    TEXT NOT NULL,
    staff_id        INTEGER,
    created_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX member_signups_phone ON member_signups (phone);

-- The member of a sale (member_id is NULL for a member signed up here and not synced yet), and
-- what the receipt said about points: earned, redeemed and the balance as the till saw it.
ALTER TABLE sales ADD COLUMN member_no TEXT;
ALTER TABLE sales ADD COLUMN member_label TEXT;        -- masked name and phone, as printed
ALTER TABLE sales ADD COLUMN points_earned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN points_redeemed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN points_balance INTEGER;

-- Points this till moved that the central has not counted yet (redemptions negative; earns and
-- returns are listed too, for the record, but never count as spendable). Acknowledged after a
-- pull to the feed's head that follows the central's acceptance (sync/engine.py), when the
-- member's balance from the central includes them.
CREATE TABLE points_pending (
    event_id  TEXT NOT NULL,
    member_no TEXT NOT NULL,
    points    INTEGER NOT NULL,
    acked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX points_pending_member ON points_pending (member_no) WHERE acked = 0;

-- Refunds may go back to the member's points (kind 'points', reference the member_no): the
-- CHECK of 0006 is widened by rebuilding the table (SQLite cannot alter a CHECK).
CREATE TABLE return_tenders_v7 (
    return_id INTEGER NOT NULL REFERENCES returns (id),
    seq       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'store_credit', 'web',
                                       'exchange', 'points')),
    amount    INTEGER NOT NULL CHECK (amount > 0),
    reference TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, seq)
) WITHOUT ROWID;
INSERT INTO return_tenders_v7 SELECT return_id, seq, kind, amount, reference, detail
    FROM return_tenders;
DROP TABLE return_tenders;
ALTER TABLE return_tenders_v7 RENAME TO return_tenders;
