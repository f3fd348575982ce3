-- Minimal member data on the till (issue 17, docs/loyalty.md "Members' personal data"): no
-- phone number and no whole name in the till's database. A member is kept as its masked name
-- (the first character and **), the phone's keyed hash (HMAC-SHA256 with the chain's phone key,
-- which the till keeps in its OS keyring) and the phone's last four digits.
--
-- The hash cannot be computed here (the key is not in the database): the members the till held
-- keep their number, masked name, last four digits, tier and points, without a hash, and the
-- till takes a new snapshot at its next sync (the cursor is dropped), which brings its store's
-- members with their hashes and removes the others. Points waiting for the central
-- (points_pending) are untouched.
CREATE TABLE members_v20 (
    id          INTEGER PRIMARY KEY,
    member_no   TEXT NOT NULL,
    name_masked TEXT NOT NULL DEFAULT '',
    phone_hash  TEXT,                      -- 64 hex digits (posclient/domain/privacy.py)
    phone_last4 TEXT,
    tier        TEXT NOT NULL DEFAULT 'standard',
    points      INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1
);
INSERT INTO members_v20 (id, member_no, name_masked, phone_hash, phone_last4, tier, points,
                         active)
    SELECT id, member_no, CASE WHEN trim(name) = '' THEN '' ELSE substr(trim(name), 1, 1) || '**'
           END, NULL, CASE WHEN length(phone) >= 4 THEN substr(phone, -4) END, tier, points,
           active
    FROM members;
DROP TABLE members;
ALTER TABLE members_v20 RENAME TO members;
CREATE UNIQUE INDEX members_no ON members (member_no);
CREATE INDEX members_phone_hash ON members (phone_hash);
-- A snapshot interrupted before this upgrade may have left the SQL of the old phone index to
-- rebuild (sync/catalogue_sql.py DROPPED_KEY): the index above replaces it.
DELETE FROM sync_state WHERE key IN ('cursor', 'snapshot_dropped_indexes');

-- This till's sign-ups the central has not made members yet: the same, with the hash of the
-- sign-ups still waiting to go up added at the next sync (sync/member_keys.py), when the till
-- has the key and seals their phone and name to the central.
CREATE TABLE member_signups_v20 (
    member_no       TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE,   -- the member_signup outbox event
    name_masked     TEXT NOT NULL DEFAULT '',
    phone_hash      TEXT,
    phone_last4     TEXT NOT NULL DEFAULT '',
    tier            TEXT NOT NULL DEFAULT 'standard',
    consent_version TEXT NOT NULL,
    consented_at    TEXT NOT NULL,
    staff_id        INTEGER,
    created_at      TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO member_signups_v20 (member_no, event_id, name_masked, phone_hash, phone_last4,
                                tier, consent_version, consented_at, staff_id, created_at)
    SELECT member_no, event_id, CASE WHEN trim(name) = '' THEN ''
           ELSE substr(trim(name), 1, 1) || '**' END, NULL, substr(phone, -4), tier,
           consent_version, consented_at, staff_id, created_at
    FROM member_signups;
DROP TABLE member_signups;
ALTER TABLE member_signups_v20 RENAME TO member_signups;
CREATE INDEX member_signups_phone_hash ON member_signups (phone_hash);

-- Sign-up events already sent (or refused) keep no phone and no name: the central has them.
UPDATE outbox SET payload = json_set(json_remove(payload, '$.phone', '$.name'),
        '$.phone_last4', substr(json_extract(payload, '$.phone'), -4),
        '$.name_masked', CASE WHEN trim(coalesce(json_extract(payload, '$.name'), '')) = ''
                         THEN '' ELSE substr(trim(json_extract(payload, '$.name')), 1, 1) || '**'
                         END)
    WHERE type = 'member_signup' AND status IN ('sent', 'rejected')
      AND json_extract(payload, '$.phone') IS NOT NULL;

-- Receipts printed before kept the first three digits too ("陈** 138****1234"): now the last
-- four only, as the till prints them from now on ("陈** ****1234").
UPDATE sales SET member_label = substr(member_label, 1, length(member_label) - 11) || '****'
        || substr(member_label, -4)
    WHERE member_label GLOB '*[0-9][0-9][0-9][*][*][*][*][0-9][0-9][0-9][0-9]';
