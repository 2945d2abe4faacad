-- 011: recognition decisions (quyết định công nhận), the certificates they issue (giấy chứng
-- nhận kết quả phân hạng sản phẩm OCOP) and the certificates' lifecycle (decision.c).
-- QĐ 26/2026/QĐ-TTg: Điều 4.1 (the province recognises 3★ and 4★, the Ministry 5★), Điều 4.3
-- (a certificate is valid 36 months), Điều 7.6 (re-evaluation), Điều 8 (revocation).
-- A certificate's state changes (superseded, revoked, expired) are appended to
-- certificate_events as well as written to the row, so its history is kept.

-- A decision of the chair of a provincial People's Committee (level province, province_code
-- set) or of the Minister of Agriculture and Environment (level ministry, province_code NULL).
CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL,              -- '1234/QĐ-UBND'
    decided_on    TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('province', 'ministry')),
    authority     TEXT NOT NULL,              -- 'Ủy ban nhân dân tỉnh Vĩnh Long', 'Bộ Nông nghiệp và Môi trường'
    province_code TEXT,                       -- NULL for the Ministry
    signer_name   TEXT NOT NULL,
    signer_title  TEXT NOT NULL,
    note          TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
-- One number per authority ('bo' standing for the Ministry).
CREATE UNIQUE INDEX decisions_number ON decisions (coalesce(province_code, 'bo'), number);
CREATE INDEX decisions_date ON decisions (decided_on);

-- The products a decision recognises: one scored dossier each; a dossier is decided once.
CREATE TABLE decision_items (
    id             INTEGER PRIMARY KEY,
    decision_id    INTEGER NOT NULL REFERENCES decisions (id) ON DELETE RESTRICT,
    dossier_id     INTEGER NOT NULL UNIQUE REFERENCES dossiers (id) ON DELETE RESTRICT,
    product_id     INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    stars          INTEGER NOT NULL,
    avg_score      REAL NOT NULL,
    recognition_id INTEGER REFERENCES recognitions (id) ON DELETE RESTRICT,
    certificate_id INTEGER
);
CREATE INDEX decision_items_decision ON decision_items (decision_id, id);

-- A certificate: number '(T)-(Năm)-(NNNN)' per issuing authority ('86', or 'BO' for the
-- Ministry) and year. The signed fields are kept as they were signed (the product may be
-- renamed later); signature is the signature string of cert.h, shown on the verification page.
CREATE TABLE certificates (
    id             INTEGER PRIMARY KEY,
    cert_no        TEXT NOT NULL UNIQUE,
    issuer_code    TEXT NOT NULL,             -- '86' or 'BO'
    year           INTEGER NOT NULL,
    serial         INTEGER NOT NULL,
    product_id     INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    dossier_id     INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE RESTRICT,
    decision_id    INTEGER NOT NULL REFERENCES decisions (id) ON DELETE RESTRICT,
    recognition_id INTEGER NOT NULL REFERENCES recognitions (id) ON DELETE RESTRICT,
    province_code  TEXT NOT NULL,             -- where the product is (its commune's province)
    commune_code   TEXT NOT NULL,
    producer_id    INTEGER NOT NULL,
    stars          INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),
    level          TEXT NOT NULL CHECK (level IN ('province', 'ministry')),
    product_code   TEXT NOT NULL,
    product_name   TEXT NOT NULL,
    producer_name  TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    decision_no    TEXT NOT NULL,
    decision_date  TEXT NOT NULL,
    key_id         TEXT NOT NULL,
    verify_url     TEXT NOT NULL,
    signature      TEXT NOT NULL,
    issued_on      TEXT NOT NULL,
    expires_on     TEXT NOT NULL,             -- issued_on + 36 months: the first day it is no longer valid
    state          TEXT NOT NULL DEFAULT 'valid' CHECK (state IN ('valid', 'expired', 'revoked', 'superseded')),
    ended_on       TEXT,
    ground         TEXT,                      -- revoked: the legal ground (Điều 8.1), see decision.c
    ground_note    TEXT,
    ended_decision_no TEXT,                   -- revoked: the revocation decision
    superseded_by  TEXT,                      -- superseded: the new certificate's number
    pdf_sha256     TEXT NOT NULL,             -- the PDF in the file store (files.h)
    created_at     TEXT NOT NULL,
    UNIQUE (issuer_code, year, serial)
);
CREATE INDEX certificates_product ON certificates (product_id, state);
CREATE INDEX certificates_expiry ON certificates (state, expires_on);
CREATE INDEX certificates_province ON certificates (province_code, state);

CREATE TABLE certificate_events (
    id             INTEGER PRIMARY KEY,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE RESTRICT,
    at             TEXT NOT NULL,
    username       TEXT NOT NULL,
    event          TEXT NOT NULL CHECK (event IN ('issued', 'superseded', 'revoked', 'expired')),
    on_date        TEXT NOT NULL,             -- the day it took effect
    detail         TEXT
);
CREATE INDEX certificate_events_cert ON certificate_events (certificate_id, id);

-- The outcome of a decided dossier: recognized (a certificate) or not_recognized.
ALTER TABLE dossiers ADD COLUMN result TEXT CHECK (result IN ('recognized', 'not_recognized'));

-- Recognitions approaching expiry: the re-evaluation window (lifecycle).
CREATE INDEX recognitions_expiry ON recognitions (expires_on);
