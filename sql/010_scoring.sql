-- 010: the council's scoring. Each member fills the dossier's sheet independently (one option
-- per criterion, a comment per criterion) and submits it; members with a conflict of interest
-- are excluded; the chair closes the scoring with a quorum and no unresolved spread, and the
-- dossier gets the average score, its band and its stars (scoring.c).

ALTER TABLE user_roles ADD COLUMN agency TEXT;     -- council members: the agency they come from

ALTER TABLE rounds ADD COLUMN spread_threshold REAL NOT NULL DEFAULT 10;  -- points between totals
ALTER TABLE rounds ADD COLUMN quorum REAL NOT NULL DEFAULT 0.75;          -- share of the members

ALTER TABLE dossiers ADD COLUMN avg_score REAL;
ALTER TABLE dossiers ADD COLUMN band INTEGER;
ALTER TABLE dossiers ADD COLUMN stars INTEGER;
ALTER TABLE dossiers ADD COLUMN unmet_minimums TEXT;  -- JSON array of criterion codes
ALTER TABLE dossiers ADD COLUMN scoring_pass INTEGER NOT NULL DEFAULT 1;  -- re-scoring starts pass 2, ...

CREATE TABLE scores (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    pass         INTEGER NOT NULL,
    choices      TEXT NOT NULL,               -- JSON {"CODE": index}
    comments     TEXT,                        -- JSON {"CODE": "comment"}
    total        INTEGER NOT NULL,
    parts        TEXT NOT NULL,               -- JSON {"A","B","C"}
    submitted_at TEXT,                        -- NULL: a draft only its author sees
    updated_at   TEXT NOT NULL,
    UNIQUE (dossier_id, user_id, pass)
);
CREATE INDEX scores_dossier ON scores (dossier_id, pass);

CREATE TABLE conflicts (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL,
    declared   INTEGER NOT NULL,              -- 1 declared by the member, 0 detected by ocop
    created_at TEXT NOT NULL,
    UNIQUE (dossier_id, user_id)
);
