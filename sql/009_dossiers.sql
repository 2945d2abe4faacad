-- 009: evaluation dossiers (hồ sơ đánh giá, phân hạng) and provincial rounds (đợt đánh giá).
-- A dossier moves through the states of the procedure of QĐ 26/2026/QĐ-TTg (dossier.c); every
-- move is a row of dossier_events and an entry of the audit trail.

-- Rounds: a province evaluates at least twice a year. Dossiers forwarded by the commune by
-- forward_by may join; the round closes on ends_on (by default 30/4 -> 30/6 and 30/10 -> 30/12).
CREATE TABLE rounds (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    year          INTEGER NOT NULL,
    number        INTEGER NOT NULL,          -- 1, 2, ...
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    name_fold     TEXT NOT NULL,
    forward_by    TEXT NOT NULL,             -- last day a dossier may have been forwarded
    ends_on       TEXT NOT NULL,             -- the council has scored by then
    council_id    INTEGER REFERENCES councils (id) ON DELETE RESTRICT,
    state         TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    note          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (province_code, year, number)
);

CREATE TABLE dossiers (
    id              INTEGER PRIMARY KEY,
    reg_no          TEXT UNIQUE,              -- 'NN/PĐK-(T)-(X)-(Năm)', given on submission
    reg_serial      INTEGER,
    reg_year        INTEGER,
    kind            TEXT NOT NULL CHECK (kind IN ('first', 'upgrade', 'reevaluation')),
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    producer_id     INTEGER NOT NULL,         -- copied from the product: scope checks
    commune_code    TEXT NOT NULL,
    province_code   TEXT NOT NULL,
    rubric_version  TEXT NOT NULL,            -- the score sheet in force when filed
    set_no          INTEGER NOT NULL,
    samples         INTEGER,
    state           TEXT NOT NULL DEFAULT 'draft',
    filed_on        TEXT,                     -- first submission
    received_on     TEXT,                     -- the commune received it (the 15 working days start)
    commune_due     TEXT,
    forwarded_on    TEXT,
    round_id        INTEGER REFERENCES rounds (id) ON DELETE RESTRICT,
    knockout_reason TEXT,
    self_assessment TEXT,                     -- JSON {"choices": {...}, "result": {...}}
    commune_report  TEXT,                     -- JSON: the four local-origin items and a comment
    note            TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX dossiers_commune ON dossiers (commune_code, state);
CREATE INDEX dossiers_province ON dossiers (province_code, state);
CREATE INDEX dossiers_producer ON dossiers (producer_id);
CREATE INDEX dossiers_product ON dossiers (product_id);
CREATE INDEX dossiers_round ON dossiers (round_id);

CREATE TABLE dossier_events (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    username   TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    comment    TEXT
);
CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, id);

-- Evidence attached to a dossier, optionally to one criterion of its sheet.
CREATE TABLE dossier_files (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    criterion  TEXT,
    sha256     TEXT NOT NULL,
    mime       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    filename   TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (dossier_id, sha256)
);
