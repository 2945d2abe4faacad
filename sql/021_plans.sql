-- 021: plans (kế hoạch) with their targets (chỉ tiêu) and tasks (nhiệm vụ) (plan.c,
-- docs/plans.md). A plan belongs to a unit of one map (the 2025 one, or the pre-2025 one for
-- the plans set before the reorganisation) and a period; it cites the document that set it.
-- A target sets a minimum or a range on an indicator of data/indicators.json, for the unit
-- as a whole or for each of its sub-units of a level ("each district at least 5").
CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    unit_code     TEXT NOT NULL,            -- '' for the whole country
    geo           TEXT NOT NULL CHECK (geo IN ('2025', 'pre2025')),
    province_code TEXT NOT NULL DEFAULT '', -- the 2025 province it lies in ('' for the country): scope
    period_from   TEXT NOT NULL,
    period_to     TEXT NOT NULL,
    title         TEXT NOT NULL,
    doc_no        TEXT,                     -- "363/KH-UBND"
    doc_date      TEXT,
    doc_issuer    TEXT,                     -- "Ủy ban nhân dân tỉnh An Giang"
    note          TEXT,
    copied_from   INTEGER REFERENCES plans (id) ON DELETE SET NULL,
    created_by    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (period_from <= period_to)
);
CREATE INDEX plans_unit ON plans (unit_code, period_from);
CREATE INDEX plans_province ON plans (province_code, period_from);

CREATE TABLE plan_targets (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    indicator TEXT NOT NULL,                -- a code of data/indicators.json
    each      TEXT CHECK (each IN ('province', 'district', 'commune')), -- NULL: the unit as a whole
    min_value REAL,
    max_value REAL,
    label     TEXT,                         -- the target as the document words it
    CHECK (min_value IS NOT NULL OR max_value IS NOT NULL)
);
CREATE INDEX plan_targets_plan ON plan_targets (plan_id, position);

CREATE TABLE plan_tasks (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    agency    TEXT,                         -- the agency in charge: "Sở Nông nghiệp và Môi trường"
    due_on    TEXT,
    status    TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done', 'dropped')),
    progress  TEXT,                         -- a short progress note
    updated_at TEXT NOT NULL
);
CREATE INDEX plan_tasks_plan ON plan_tasks (plan_id, position);
