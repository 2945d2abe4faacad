-- 007: the audit trail. One row per change, appended inside the transaction of the change
-- (audit.c). Rows form a hash chain: prev_hash is the hash of the entry before (64 zeros for
-- the first), hash the SHA-256 of the entry's canonical encoding including id and prev_hash
-- (docs/audit.md), so an edited, removed, inserted or reordered entry breaks the chain.
-- audit.c assigns ids itself (max(id) + 1 in the write transaction): they are part of the hash
-- and must run 1, 2, 3, ... without gaps.

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,            -- 'YYYY-MM-DDTHH:MM:SSZ' (UTC)
    user_id    INTEGER NOT NULL,         -- 0: the system (command line, jobs)
    username   TEXT,                     -- as it was then: 'alice', 'cli:root'
    remote     TEXT,                     -- client address, or 'local'
    action     TEXT NOT NULL,            -- create, update, delete, import, login, grant, ...
    entity     TEXT NOT NULL,            -- products, users, ...
    entity_id  TEXT,                     -- the record's id as text
    province   TEXT,                     -- 2025 province code of the record: who may browse it
    before     TEXT,                     -- JSON, compact with sorted keys; NULL for a creation
    after      TEXT,                     -- JSON; NULL for a deletion
    prev_hash  TEXT NOT NULL,            -- lowercase hex SHA-256
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_username ON audit_log (username);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_province ON audit_log (province);

-- Append-only: the database itself refuses to change or remove an entry. SQLite dialect; the
-- PostgreSQL driver will need a trigger function raising the same message instead. (Anyone who
-- can drop the triggers can still edit the file: that is what the hash chain detects.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
