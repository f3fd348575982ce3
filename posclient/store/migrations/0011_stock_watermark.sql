-- The till's stock is the central's level plus this terminal's movements the central has not
-- counted yet. Which movements those are was a flag per movement, set in the same transaction
-- as the central's new levels: after 10,000 sales that transaction marked 35,000 rows and held
-- the write lock for over 100 ms. Now the sync engine (sync/engine.py) sets, in that
-- transaction, only an acknowledged-through watermark on the outbox's gap-free terminal_seq
-- (sync_state 'acked_through') and the few events at or below it the central has not counted
-- (stock_held); the flag is tidied afterwards in small transactions that change no stock.

ALTER TABLE stock_movements ADD COLUMN terminal_seq INTEGER;  -- the outbox event's
UPDATE stock_movements SET terminal_seq =
    (SELECT o.terminal_seq FROM outbox o WHERE o.event_id = stock_movements.event_id);

-- A movement without its event (none is written so: checkout writes both in one transaction)
-- keeps being counted; new ones must name their event.
CREATE TRIGGER stock_movements_need_seq BEFORE INSERT ON stock_movements
WHEN NEW.terminal_seq IS NULL
BEGIN
    SELECT RAISE(ABORT, 'a stock movement needs its outbox event''s terminal_seq');
END;

-- "This product's movements still counted": the ones above the watermark, and the held ones.
DROP INDEX stock_movements_pending;
CREATE INDEX stock_movements_pending ON stock_movements (product_id, terminal_seq)
    WHERE acked = 0;

-- Events at or below the watermark the central had not counted when it was set (rejected, or
-- waiting again): their movements still count. Rewritten with the watermark.
CREATE TABLE stock_held (
    terminal_seq INTEGER PRIMARY KEY
);

-- For the watermark's transaction: the rejected events, without reading the whole outbox.
CREATE INDEX outbox_rejected ON outbox (terminal_seq) WHERE status = 'rejected';

-- THE rule for which of this terminal's movements the till's stock still counts (level +
-- these); every reader of stock uses this view. A movement counts unless it is acknowledged:
-- flagged (acked = 1), or at or below the watermark and not held.
CREATE VIEW stock_pending AS
SELECT m.id, m.product_id, m.qty_delta, m.terminal_seq
FROM stock_movements m
WHERE m.acked = 0
  AND (m.terminal_seq > (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM sync_state
                         WHERE key = 'acked_through')
       OR m.terminal_seq IN (SELECT terminal_seq FROM stock_held)
       OR m.terminal_seq IS NULL);
