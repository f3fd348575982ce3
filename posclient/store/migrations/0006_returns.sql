-- Returns (issue 5): goods and money back, of a store receipt, a web order, or without a
-- receipt. One return = one transaction with its lines, its refund tenders, its stock movements
-- and its outbox event ('return').
CREATE TABLE returns (
    id             INTEGER PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    return_no      TEXT NOT NULL UNIQUE,    -- <store>-<terminal>-R000001, gap-free
    store_id       TEXT NOT NULL,
    terminal_id    TEXT NOT NULL,
    source_kind    TEXT NOT NULL CHECK (source_kind IN ('receipt', 'order', 'none')),
    source_ref     TEXT,                    -- the receipt or order number
    reservation_id TEXT,                    -- the central's hold; NULL: refunded offline
    staff_id       INTEGER NOT NULL,
    approved_by    INTEGER,
    reason         TEXT NOT NULL,
    completed_at   TEXT NOT NULL,
    currency       TEXT NOT NULL,
    total          INTEGER NOT NULL CHECK (total >= 0)  -- refunded
);
CREATE INDEX returns_source ON returns (source_kind, source_ref);
CREATE INDEX returns_day ON returns (completed_at);

CREATE TABLE return_lines (
    return_id    INTEGER NOT NULL REFERENCES returns (id),
    line_no      INTEGER NOT NULL,
    source_line  INTEGER,                   -- the purchase's line; NULL without a receipt
    product_id   INTEGER NOT NULL,
    sku          TEXT NOT NULL,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    measure      TEXT NOT NULL,
    qty          INTEGER NOT NULL CHECK (qty > 0),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    condition    TEXT NOT NULL CHECK (condition IN ('restock', 'damaged')),
    tax_code     TEXT NOT NULL,
    tax_rate_ppm INTEGER NOT NULL,
    PRIMARY KEY (return_id, line_no)
) WITHOUT ROWID;

CREATE TABLE return_tenders (
    return_id INTEGER NOT NULL REFERENCES returns (id),
    seq       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'store_credit', 'web',
                                       'exchange')),  -- exchange: paid a new sale
    amount    INTEGER NOT NULL CHECK (amount > 0),
    reference TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, seq)
) WITHOUT ROWID;
