-- This terminal's own devices and preferences (printer, drawer, language). Never synced:
-- the settings table holds the store's settings, which the central owns.
CREATE TABLE terminal_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON
) STRICT;
