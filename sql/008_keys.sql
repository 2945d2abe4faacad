-- 008: the Ed25519 keys that sign certificates of OCOP recognition (cert.c, docs/certificates.md).
-- One row per key pair. Only the public half is here; the secret key is a file outside the
-- database (<data dir>/keys/<key_id>.key, mode 0600), so a copy of the database, a backup or a
-- leaked dump cannot sign anything.
CREATE TABLE signing_keys (
    key_id     TEXT PRIMARY KEY,          -- the authority: 2025 province code ('86') or 'bo' (the
                                          -- Ministry), with '-LABEL' for later keys ('86-2027')
    public_key TEXT NOT NULL UNIQUE,      -- 32 bytes, lowercase hex (64 characters)
    created_at TEXT NOT NULL,             -- 'YYYY-MM-DDTHH:MM:SSZ' (UTC)
    retired_at TEXT                       -- 'YYYY-MM-DD' from which it signs no more; NULL: in use
);
