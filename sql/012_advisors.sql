-- 012: the council's advisory group (tổ tư vấn giúp việc Hội đồng): experts who assist the
-- council; they do not score and need no account.
CREATE TABLE advisors (
    id         INTEGER PRIMARY KEY,
    council_id INTEGER NOT NULL REFERENCES councils (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    name_fold  TEXT NOT NULL,
    agency     TEXT,
    expertise  TEXT,
    phone      TEXT,
    email      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (council_id, name_key)
);
