-- Orders placed at this till for delivery to the customer (issue 18): the store that has the
-- item ships it. ``fulfilment``: 'pickup' (the customer collects at store_id) or 'delivery'
-- (store_id ships it; paid in full here; no pick-up code). The address itself went to the
-- central sealed in the sale's event: the till keeps only ``address_masked`` for the receipt
-- (its first 6 characters and "…"), never the address.
ALTER TABLE aisle_orders ADD COLUMN fulfilment TEXT NOT NULL DEFAULT 'pickup'
    CHECK (fulfilment IN ('pickup', 'delivery'));
ALTER TABLE aisle_orders ADD COLUMN address_masked TEXT NOT NULL DEFAULT '';
