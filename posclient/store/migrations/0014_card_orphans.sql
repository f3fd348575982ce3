-- Card payments approved but never completed (issue 14): what a restarted till needs to
-- resolve them. Each attempt names the lease of the connection that made it (leases.py: an
-- attempt counts as abandoned only once that connection is gone) and the basket it paid for
-- (JSON: the cart, its promotions, member and coupons), so a manager can complete it as a
-- sale of those goods. found_event: the card_orphan_found event that told the central;
-- resolution: how it ended (reversed | refunded | completed | not_charged) with its event, when
-- and who.
ALTER TABLE payment_journal ADD COLUMN holder TEXT;
ALTER TABLE payment_journal ADD COLUMN basket_id TEXT;
ALTER TABLE payment_journal ADD COLUMN basket TEXT;
ALTER TABLE payment_journal ADD COLUMN found_event TEXT;
ALTER TABLE payment_journal ADD COLUMN resolution TEXT
    CHECK (resolution IN ('reversed', 'refunded', 'completed', 'not_charged'));
ALTER TABLE payment_journal ADD COLUMN resolution_event TEXT;
ALTER TABLE payment_journal ADD COLUMN resolved_at TEXT;
ALTER TABLE payment_journal ADD COLUMN resolved_by INTEGER;
CREATE INDEX payment_journal_open ON payment_journal (sale_id) WHERE sale_id IS NULL;
