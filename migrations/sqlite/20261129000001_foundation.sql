-- Foundation: org-unit tree, accounts, sessions, audit log, registry, import batches.
-- Timestamps are RFC 3339 text in UTC (sqlx chrono encoding); booleans are 0/1.

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_units(id),
    level       TEXT    NOT NULL CHECK (level IN ('tinh', 'huyen', 'xa', 'thon')),
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    search_key  TEXT    NOT NULL,
    -- materialised path of ids, root first: /1/4/17/
    path        TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX org_units_code_key ON org_units (code);
CREATE INDEX org_units_path_idx ON org_units (path);
CREATE INDEX org_units_parent_idx ON org_units (parent_id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL,
    full_name            TEXT    NOT NULL,
    password_hash        TEXT    NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    active               BOOLEAN NOT NULL DEFAULT 1,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);

CREATE TABLE role_assignments (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'officer', 'reviewer', 'leader', 'trainee')),
    org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX role_assignments_unique_key ON role_assignments (user_id, role, org_unit_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie token: a leaked database does not leak live sessions
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY,
    username_key TEXT    NOT NULL,
    client_ip    TEXT    NOT NULL,
    at           TEXT    NOT NULL
);
CREATE INDEX login_failures_user_idx ON login_failures (username_key, at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    username    TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   INTEGER,
    -- path of the org unit the record belongs to, for filtering by subtree
    unit_path   TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_path_idx ON audit_log (unit_path, at);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at);

CREATE TABLE households (
    id           INTEGER PRIMARY KEY,
    village_id   INTEGER NOT NULL REFERENCES org_units(id),
    code         TEXT    NOT NULL DEFAULT '',
    head_name    TEXT    NOT NULL,
    address      TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    member_count INTEGER NOT NULL DEFAULT 0,
    search_key   TEXT    NOT NULL,
    -- village | head name key | address key: the same household entered twice
    dup_key      TEXT    NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 1,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX households_village_idx ON households (village_id);
CREATE INDEX households_dup_idx ON households (dup_key);
CREATE UNIQUE INDEX households_code_key ON households (village_id, code) WHERE code <> '';

CREATE TABLE household_members (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    full_name    TEXT    NOT NULL,
    birth_year   INTEGER,
    relation     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX household_members_household_idx ON household_members (household_id, position);

CREATE TABLE clans (
    id             INTEGER PRIMARY KEY,
    commune_id     INTEGER NOT NULL REFERENCES org_units(id),
    name           TEXT    NOT NULL,
    representative TEXT    NOT NULL,
    phone          TEXT    NOT NULL DEFAULT '',
    search_key     TEXT    NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT 1,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX clans_commune_idx ON clans (commune_id);

CREATE TABLE clan_households (
    clan_id      INTEGER NOT NULL REFERENCES clans(id) ON DELETE CASCADE,
    household_id INTEGER NOT NULL REFERENCES households(id),
    PRIMARY KEY (clan_id, household_id)
);
CREATE INDEX clan_households_household_idx ON clan_households (household_id);

CREATE TABLE organisations (
    id               INTEGER PRIMARY KEY,
    managing_unit_id INTEGER NOT NULL REFERENCES org_units(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('agency', 'school', 'enterprise', 'other')),
    name             TEXT    NOT NULL,
    head_name        TEXT    NOT NULL DEFAULT '',
    address          TEXT    NOT NULL DEFAULT '',
    phone            TEXT    NOT NULL DEFAULT '',
    search_key       TEXT    NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT 1,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX organisations_unit_idx ON organisations (managing_unit_id);

CREATE TABLE import_batches (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    kind         TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    row_count    INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    committed_at TEXT
);
