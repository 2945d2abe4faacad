-- 006: accounts. Users hold roles scoped to a place or an object; sessions and API tokens are
-- stored as the SHA-256 of their secret only; login failures are counted per account and per
-- address for throttling. Councils exist here so that council roles have something to point
-- at (the evaluation procedure extends them).

CREATE TABLE councils (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    name_fold     TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('province', 'ministry')),
    province_code TEXT,                   -- NULL for the Ministry's council
    decision_no   TEXT,                   -- the decision that formed it
    decided_on    TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- One name per province, and one among the Ministry's councils (no province).
CREATE UNIQUE INDEX councils_name ON councils (coalesce(province_code, ''), name_key);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,   -- lower case: a-z 0-9 . _ -
    full_name     TEXT,
    full_name_fold TEXT,
    email         TEXT,
    phone         TEXT,
    pw_hash       TEXT NOT NULL,          -- argon2id (crypto_pwhash_str)
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE user_roles (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'province', 'commune', 'council_chair',
                                             'council_member', 'council_secretary', 'producer')),
    scope      TEXT NOT NULL DEFAULT '',  -- province/commune code, council/producer id
    province   TEXT NOT NULL DEFAULT '',  -- the province the scope lies in
    confirmed  INTEGER NOT NULL DEFAULT 1, -- producer roles: 0 until a commune officer confirms
    granted_by TEXT,
    granted_at TEXT NOT NULL,
    UNIQUE (user_id, role, scope)
);
CREATE INDEX user_roles_province ON user_roles (province, user_id);

-- Times in sessions, tokens and throttles are Unix seconds: compared on every request.
CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,          -- SHA-256 (hex) of the cookie value
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    remote     TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,      -- SHA-256 (hex) of the token
    prefix     TEXT NOT NULL,             -- first characters, to recognise it in lists
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL,
    revoked    INTEGER,
    last_used  INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,        -- 'user:NAME' or 'addr:ADDRESS'
    failures     INTEGER NOT NULL,
    first_fail   INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);
