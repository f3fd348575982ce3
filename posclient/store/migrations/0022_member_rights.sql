-- The member's rights (issue 17, docs/privacy.md): members erased at the central (the feed's
-- member_erasure records), or whose membership was withdrawn at this till. The till has
-- forgotten each: its record, its sign-up, the masked name and last four digits printed with
-- its past sales, the phone's hash and sealed box in its sent sign-up event (posclient/store/
-- members.py forget). A row holds no personal data: the number, the central's id, this
-- till's sign-up event of the member (its payload is cleared once the central has it), when.
CREATE TABLE member_erasures (
    member_no       TEXT PRIMARY KEY,
    member_id       INTEGER,               -- the central's id, once known
    signup_event_id TEXT,                  -- this till's member_signup event, if it made one
    erased_at       TEXT NOT NULL,         -- the central's time, or this till's (withdrawn here)
    source          TEXT NOT NULL CHECK (source IN ('central', 'till'))
) WITHOUT ROWID;

-- The sales that still print a member's masked name and last four digits, by member: an
-- erasure clears them with one probe (the index holds only labelled sales).
CREATE INDEX sales_member_label ON sales (member_no) WHERE member_label IS NOT NULL;
