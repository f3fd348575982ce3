-- Wrong pick-up codes per web order at this till (issue 17): after MAX_WRONG_CODES in a row
-- (sync/protocol/pickup_codes.py) the till no longer checks that order's code offline. Kept in
-- the database so a restart does not reset it; a right code deletes the row. The codes
-- themselves are never stored.
CREATE TABLE pickup_code_attempts (
    order_no        TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL CHECK (failures >= 0),
    last_failure_at TEXT NOT NULL,
    locked_at       TEXT               -- set when the count reached the limit
) WITHOUT ROWID;
