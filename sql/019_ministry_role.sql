-- 019: the Ministry's OCOP officer (role "ministry", auth.h ROLE_MINISTRY): it organises the
-- national (5★) evaluation, which administrators did until now. SQLite cannot change a CHECK
-- constraint in place: the table is made again with the new list, its rows and ids kept.
CREATE TABLE user_roles_new (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'province', 'commune', 'council_chair',
                                             'council_member', 'council_secretary', 'producer',
                                             'ministry')),
    scope      TEXT NOT NULL DEFAULT '',  -- province/commune code, council/producer id
    province   TEXT NOT NULL DEFAULT '',  -- the province the scope lies in
    confirmed  INTEGER NOT NULL DEFAULT 1, -- producer roles: 0 until a commune officer confirms
    granted_by TEXT,
    granted_at TEXT NOT NULL,
    agency     TEXT,                      -- council members: the agency they come from
    UNIQUE (user_id, role, scope)
);
INSERT INTO user_roles_new (id, user_id, role, scope, province, confirmed, granted_by, granted_at, agency)
    SELECT id, user_id, role, scope, province, confirmed, granted_by, granted_at, agency FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;
CREATE INDEX user_roles_province ON user_roles (province, user_id);
