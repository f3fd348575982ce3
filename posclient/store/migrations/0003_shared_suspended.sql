-- Suspended sales shared with the store's other tills through the central (sync/parked.py).
-- park_id: the central's key for the sale. published: 0 not yet sent, 1 at the central,
-- -1 refused by the central (it stays a sale of this till only). resumed_at: resumed here
-- while the central could not be reached; the claim is sent, then the row deleted.
ALTER TABLE suspended_sales ADD COLUMN park_id TEXT;
ALTER TABLE suspended_sales ADD COLUMN published INTEGER NOT NULL DEFAULT 0
    CHECK (published IN (-1, 0, 1));
ALTER TABLE suspended_sales ADD COLUMN resumed_at TEXT;
UPDATE suspended_sales SET park_id = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) ||
    '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' ||
    hex(randomblob(6)));
CREATE UNIQUE INDEX suspended_sales_park ON suspended_sales (park_id);
