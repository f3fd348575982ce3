-- 0001: the terminal's first schema. Shipped migrations are never edited: add 0002_... instead.
-- Money: INTEGER minor units. Times: ISO 8601 UTC text "YYYY-MM-DDTHH:MM:SS.fffZ", except price
-- validity, which is INTEGER unix seconds (compact on a million rows; 0 = since always).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL               -- JSON
) WITHOUT ROWID;

CREATE TABLE tax_rates (
    code     TEXT PRIMARY KEY,
    rate_ppm INTEGER NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    name_zh  TEXT NOT NULL DEFAULT '',
    name_en  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE categories (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    parent  TEXT
) WITHOUT ROWID;

CREATE TABLE products (
    id       INTEGER PRIMARY KEY,
    sku      TEXT NOT NULL,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    brand    TEXT NOT NULL DEFAULT '',
    measure  TEXT NOT NULL CHECK (measure IN ('each', 'g')),
    tax_code TEXT NOT NULL REFERENCES tax_rates (code),
    plu      TEXT,                      -- scale item code, weighed and label-priced items
    active   INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX products_sku ON products (sku);
CREATE UNIQUE INDEX products_plu ON products (plu) WHERE plu IS NOT NULL;

-- GTIN-14 integer value as the rowid: an EAN-13, its UPC-A and GTIN-14 forms are one key.
CREATE TABLE barcodes (
    gtin       INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE
);
CREATE INDEX barcodes_product ON barcodes (product_id);

-- Price-list entries. The price at time t is the entry with the latest valid_from <= t whose
-- valid_to (exclusive) is NULL or > t; on a tie the highest id (posclient/domain/prices.py).
-- Future prices sync ahead and switch on time offline.
CREATE TABLE prices (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    price_list TEXT NOT NULL DEFAULT 'retail',
    amount     INTEGER NOT NULL CHECK (amount >= 0),   -- per unit, or per kg when measure = 'g'
    valid_from INTEGER NOT NULL DEFAULT 0,
    valid_to   INTEGER
);
CREATE INDEX prices_lookup ON prices (product_id, price_list, valid_from);

-- Name search: a contentless FTS5 index of a derived text (see posclient/store/search.py):
-- Chinese characters one token each, so a phrase query finds any substring; English words
-- as words, found by prefix.
CREATE VIRTUAL TABLE product_search USING fts5 (
    text, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE members (
    id        INTEGER PRIMARY KEY,
    member_no TEXT NOT NULL,
    name      TEXT NOT NULL,
    phone     TEXT,
    tier      TEXT NOT NULL DEFAULT 'standard',
    points    INTEGER NOT NULL DEFAULT 0,
    active    INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX members_no ON members (member_no);
CREATE INDEX members_phone ON members (phone);

-- Stock: the central's last level for this store plus this terminal's own movements that the
-- central has not acknowledged yet.
CREATE TABLE stock_levels (
    product_id INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    qty        INTEGER NOT NULL,          -- units, or grams for weighed items
    as_of      TEXT
);

CREATE TABLE staff (
    id           INTEGER PRIMARY KEY,     -- the staff number typed at login
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash     TEXT NOT NULL,           -- argon2id
    active       INTEGER NOT NULL DEFAULT 1,
    failed_pins  INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);

CREATE TABLE sales (
    id               INTEGER PRIMARY KEY,
    event_id         TEXT NOT NULL UNIQUE,
    receipt_no       TEXT NOT NULL UNIQUE,
    store_id         TEXT NOT NULL,
    terminal_id      TEXT NOT NULL,
    terminal_sale_no INTEGER NOT NULL,
    staff_id         INTEGER NOT NULL REFERENCES staff (id),
    member_id        INTEGER,
    started_at       TEXT NOT NULL,
    completed_at     TEXT NOT NULL,
    currency         TEXT NOT NULL,
    tax_inclusive    INTEGER NOT NULL,
    subtotal         INTEGER NOT NULL,
    discount_total   INTEGER NOT NULL,
    tax_total        INTEGER NOT NULL,
    rounding         INTEGER NOT NULL,
    total            INTEGER NOT NULL,
    paid             INTEGER NOT NULL,
    change_given     INTEGER NOT NULL,
    basket_discount  TEXT,                -- JSON of the discount as given, for the receipt
    status           TEXT NOT NULL DEFAULT 'completed',
    printed_at       TEXT,
    UNIQUE (terminal_id, terminal_sale_no)
);
CREATE INDEX sales_unprinted ON sales (id) WHERE printed_at IS NULL;

CREATE TABLE sale_lines (
    sale_id          INTEGER NOT NULL REFERENCES sales (id),
    line_no          INTEGER NOT NULL,
    product_id       INTEGER NOT NULL,
    sku              TEXT NOT NULL,
    name_zh          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    barcode          TEXT NOT NULL DEFAULT '',
    measure          TEXT NOT NULL,
    qty              INTEGER NOT NULL,
    list_price       INTEGER NOT NULL,
    unit_price       INTEGER NOT NULL,
    label_price      INTEGER,            -- price printed on a scale label, when there was one
    override_reason  TEXT,
    gross            INTEGER NOT NULL,
    line_discount    INTEGER NOT NULL,
    basket_discount  INTEGER NOT NULL,
    total            INTEGER NOT NULL,
    tax_code         TEXT NOT NULL,
    tax_rate_ppm     INTEGER NOT NULL,
    PRIMARY KEY (sale_id, line_no)
) WITHOUT ROWID;

CREATE TABLE sale_tenders (
    sale_id   INTEGER NOT NULL REFERENCES sales (id),
    seq       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    tendered  INTEGER NOT NULL,
    change    INTEGER NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_id, seq)
) WITHOUT ROWID;

CREATE TABLE sale_taxes (
    sale_id  INTEGER NOT NULL REFERENCES sales (id),
    tax_code TEXT NOT NULL,
    rate_ppm INTEGER NOT NULL,
    net      INTEGER NOT NULL,
    tax      INTEGER NOT NULL,
    gross    INTEGER NOT NULL,
    PRIMARY KEY (sale_id, tax_code)
) WITHOUT ROWID;

CREATE TABLE stock_movements (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL,
    qty_delta   INTEGER NOT NULL,
    reason      TEXT NOT NULL,           -- sale, return, count, receive, ...
    sale_id     INTEGER REFERENCES sales (id),
    event_id    TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    acked       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stock_movements_pending ON stock_movements (product_id) WHERE acked = 0;

-- Gap-free counters (receipt numbers, outbox terminal_seq), bumped inside business transactions.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

-- Business events waiting to go up to the central, in the same transaction as the event.
CREATE TABLE outbox (
    terminal_seq INTEGER PRIMARY KEY,    -- gap-free per terminal
    event_id     TEXT NOT NULL UNIQUE,   -- UUIDv7, the central's idempotency key
    type         TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    payload      TEXT NOT NULL,          -- JSON
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'rejected')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    acked_at     TEXT
);
CREATE INDEX outbox_pending ON outbox (terminal_seq) WHERE status = 'pending';

CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical JSON of the record).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER,
    approved_by INTEGER,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

-- Store credit (credit notes, gift cards) usable as a tender at this store.
CREATE TABLE store_credit (
    account  TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    balance  INTEGER NOT NULL CHECK (balance >= 0)
) WITHOUT ROWID;

CREATE TABLE suspended_sales (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL,
    suspended_at TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    total        INTEGER NOT NULL,
    cart         TEXT NOT NULL             -- JSON of the cart
);

-- Card payments are journalled before the terminal is asked, so an approval whose sale never
-- committed (a crash in between) is found and reversed, never lost.
CREATE TABLE payment_journal (
    id         INTEGER PRIMARY KEY,
    reference  TEXT NOT NULL UNIQUE,
    amount     INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'timeout',
                                               'reversed', 'captured')),
    auth_code  TEXT,
    detail     TEXT NOT NULL DEFAULT '',
    sale_id    INTEGER REFERENCES sales (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
