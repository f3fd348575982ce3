-- The central's public keys for member QR tokens (issue 17, "any member, offline"), as the feed
-- and the snapshot bring them (sync/protocol/records.py MemberTokenKeyData): a scanned token is
-- verified offline with them (posclient/domain/member_token.py). The chain's: every till has
-- every key whose tokens may still be in force.
CREATE TABLE member_token_keys (
    kid        TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,     -- base64url of the raw Ed25519 public key (32 bytes)
    valid_from INTEGER NOT NULL,  -- unix seconds
    valid_to   INTEGER            -- unix seconds; NULL: the central's current key
) WITHOUT ROWID;

-- A member known from a token only: this till's redemptions since the token was issued count
-- against its points even after the central acknowledged them (posclient/store/member_tokens.py).
CREATE INDEX points_pending_member_all ON points_pending (member_no);
