-- The keyed audit chain (issue 17): each record's MAC, HMAC-SHA256 of its hash with this till's
-- own secret (kept in the OS keyring, never here; posclient/store/audit_head.py). NULL for a
-- record written before the till had its key, or on a machine without a keyring. The SHA-256
-- chain (prev_hash, hash) is unchanged: the central checks it as before.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
