-- 001: the registry. Administrative units (effective-dated, two geographies), the OCOP
-- product classification, producers, products, recognitions, craft villages, points of sale.
--
-- Conventions: dates are ISO 'YYYY-MM-DD' text; timestamps 'YYYY-MM-DDTHH:MM:SSZ'; booleans
-- are 0/1 integers; unit codes are text with their leading zeros. SQL stays within what SQLite
-- and PostgreSQL share.

-- Reference data sets compiled into the binary (units, product sets); reloaded by refdata.c
-- whenever the embedded copy's hash differs from the one recorded here.
CREATE TABLE ref_data (
    name       TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    loaded_at  TEXT NOT NULL
);

-- Administrative units, one row per period in which a unit had the same code, name, type and
-- parent. geo '2025' is the two-level geography in force from 2025-07-01 (QĐ 19/2025/QĐ-TTg:
-- 34 provinces, 3,321 communes); geo 'pre2025' the three-level one before it (63 provinces).
-- A unit is in force on D when valid_from <= D and (valid_to IS NULL or D <= valid_to).
-- Codes are reused across geographies and across mergers, so (code, date) identifies a unit.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    geo         TEXT NOT NULL CHECK (geo IN ('2025', 'pre2025')),
    level       TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,           -- without the type word: 'Ba Đình'
    name_en     TEXT,
    type        TEXT NOT NULL,           -- tỉnh, thành phố, quận, huyện, thị xã, xã, phường, ...
    parent_code TEXT,                    -- province (communes after 2025; districts), district
    valid_from  TEXT NOT NULL,
    valid_to    TEXT                     -- last day in force, inclusive; NULL: still in force
);
CREATE INDEX units_code ON units (code, valid_from);
CREATE INDEX units_parent ON units (parent_code, valid_from);
CREATE INDEX units_level ON units (level, valid_from);

-- The 2025 reorganisation: old unit (pre2025, in force 2025-06-30) -> new unit (2025).
CREATE TABLE unit_links (
    level      TEXT NOT NULL,
    old_code   TEXT NOT NULL,
    new_code   TEXT NOT NULL,
    part       TEXT NOT NULL CHECK (part IN ('full', 'partial')),
    targets    INTEGER NOT NULL,         -- how many new units the old one was split among
    resolution TEXT,
    confidence TEXT,
    note       TEXT,
    PRIMARY KEY (level, old_code, new_code)
);
CREATE INDEX unit_links_new ON unit_links (new_code);

-- Codes that circulate in two versions: accepted, stored as the canonical code.
CREATE TABLE unit_aliases (
    alias_code     TEXT PRIMARY KEY,
    canonical_code TEXT NOT NULL,
    note           TEXT
);

-- Product classification (QĐ 26/2026 Phụ lục I: group -> nhóm -> phân nhóm -> set 1..26),
-- versioned by the legal document: '26-2026', '148-2023'.
CREATE TABLE product_sets (
    version        TEXT NOT NULL,
    set_no         INTEGER NOT NULL,
    name           TEXT NOT NULL,
    grp            TEXT,
    grp_name       TEXT,
    nhom           TEXT,
    nhom_name      TEXT,
    phan_nhom      TEXT,
    phan_nhom_name TEXT,
    PRIMARY KEY (version, set_no)
);

-- Craft villages (làng nghề, làng nghề truyền thống).
CREATE TABLE villages (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,          -- text_key(name): duplicate detection
    name_fold     TEXT NOT NULL,          -- text_fold(name): list filtering ?q=
    commune_code  TEXT NOT NULL,          -- 2025 geography
    traditional   INTEGER NOT NULL DEFAULT 0,
    crafts        TEXT,
    decision_no   TEXT,                   -- recognition decision
    recognized_on TEXT,
    households    INTEGER,
    note          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (commune_code, name_key)
);

-- Producers (chủ thể OCOP).
CREATE TABLE producers (
    id                  INTEGER PRIMARY KEY,
    type                TEXT NOT NULL,    -- see registry.c: cooperative, llc, household, ...
    name                TEXT NOT NULL,
    name_key            TEXT NOT NULL,
    name_fold           TEXT NOT NULL,
    reg_no              TEXT UNIQUE,      -- business registration number, spaces removed
    tax_code            TEXT,
    rep_name            TEXT,
    rep_gender          TEXT CHECK (rep_gender IN ('male', 'female')),
    rep_ethnic_minority INTEGER NOT NULL DEFAULT 0,
    rep_disability      INTEGER NOT NULL DEFAULT 0,
    address             TEXT,
    commune_code        TEXT NOT NULL,    -- 2025 geography
    commune_code_old    TEXT,             -- pre-2025 geography, when known
    phone               TEXT,
    email               TEXT,
    website             TEXT,
    channels            TEXT NOT NULL DEFAULT '',  -- comma-separated, sorted: see registry.c
    village_id          INTEGER REFERENCES villages (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX producers_commune ON producers (commune_code);
CREATE INDEX producers_commune_old ON producers (commune_code_old);
CREATE INDEX producers_name_key ON producers (name_key);

-- Products. code is the official '(T)-(X)-(STT)-(Năm)' (QĐ 26/2026 Phụ lục II), numbered per
-- commune: code_serial is STT.
CREATE TABLE products (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    name_fold        TEXT NOT NULL,
    rubric_version   TEXT NOT NULL DEFAULT '26-2026',
    set_no           INTEGER NOT NULL,
    producer_id      INTEGER NOT NULL REFERENCES producers (id) ON DELETE RESTRICT,
    commune_code     TEXT NOT NULL,       -- commune of origin, 2025 geography
    commune_code_old TEXT,                -- pre-2025 geography, when known
    code             TEXT UNIQUE,
    code_serial      INTEGER,
    code_year        INTEGER,
    description      TEXT,
    trademark_no     TEXT,                -- trademark application or registration number
    gi               TEXT,                -- geographical indication
    mark             TEXT,                -- collective or certification mark
    gtin             TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    FOREIGN KEY (rubric_version, set_no) REFERENCES product_sets (version, set_no),
    UNIQUE (producer_id, name_key)
);
CREATE INDEX products_commune ON products (commune_code, code_serial);
CREATE INDEX products_commune_old ON products (commune_code_old);
CREATE INDEX products_set ON products (set_no);

-- Photos: content-addressed files under the data directory (files.c).
CREATE TABLE product_photos (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL,
    mime       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    filename   TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (product_id, sha256)
);

-- Recognition history: one row per decision. A recognition is valid on D when
-- decision_date <= D < expires_on and it had not ended (revoked, superseded) by D.
CREATE TABLE recognitions (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    level         TEXT NOT NULL CHECK (level IN ('district', 'province', 'ministry')),
    decision_no   TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    cert_no       TEXT,
    score         REAL,
    expires_on    TEXT,                   -- decision_date + 36 months; NULL under 3 stars
    ended         TEXT CHECK (ended IN ('revoked', 'superseded')),
    ended_on      TEXT,
    ended_reason  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (product_id, decision_no)
);
CREATE INDEX recognitions_dates ON recognitions (decision_date, expires_on);

-- Points of sale (điểm giới thiệu và bán sản phẩm OCOP) and what they sell.
CREATE TABLE sale_points (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    name_fold    TEXT NOT NULL,
    kind         TEXT NOT NULL,           -- center, point, store, booth, online
    address      TEXT,
    commune_code TEXT NOT NULL,
    operator     TEXT,
    phone        TEXT,
    website      TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (commune_code, name_key)
);
CREATE TABLE sale_point_products (
    point_id   INTEGER NOT NULL REFERENCES sale_points (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (point_id, product_id)
);
CREATE INDEX sale_point_products_product ON sale_point_products (product_id);
