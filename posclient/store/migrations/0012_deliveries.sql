-- Deliveries and transfers the store expects (issue 7): the central's copy (entity "delivery",
-- sync/protocol/records.py DeliveryData) as it came in the feed or a snapshot, and this till's own
-- receipt of it (received_event: its stock_receive event), which keeps it out of the open list
-- whatever older copy of the central's arrives later.
CREATE TABLE deliveries (
    id             TEXT PRIMARY KEY,
    store_id       TEXT NOT NULL,
    kind           TEXT NOT NULL,        -- delivery | transfer
    status         TEXT NOT NULL,        -- expected | received | cancelled (the central's)
    data           TEXT NOT NULL,        -- JSON: DeliveryData
    updated_at     TEXT NOT NULL,        -- when the till got this copy
    received_event TEXT,                 -- this till's stock_receive event
    received_at    TEXT
);
CREATE INDEX deliveries_open ON deliveries (status) WHERE received_event IS NULL;
