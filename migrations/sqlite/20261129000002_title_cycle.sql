-- The yearly title cycle: criteria sets (versioned, published sets immutable), registrations,
-- evaluations with evidence, reviewer comments, recognition decisions, recognitions with public
-- verification codes, and rollup counters for the dashboards.

CREATE TABLE criteria_sets (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    title_kind      TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    valid_from_year INTEGER NOT NULL,
    valid_to_year   INTEGER,
    -- the whole set (criteria, indicators, rule) as JSON, exactly as the scoring engine reads it
    definition      TEXT    NOT NULL,
    row_version     INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    published_at    TEXT
);
CREATE UNIQUE INDEX criteria_sets_code_version_key ON criteria_sets (code, version);

-- Published sets never change: evaluations keep the version they were scored with.
CREATE TRIGGER criteria_sets_published_are_immutable
BEFORE UPDATE OF definition, code, version, title_kind ON criteria_sets
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'published criteria sets are immutable');
END;

CREATE TABLE registrations (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    title_kind    TEXT    NOT NULL,
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('household', 'clan', 'village', 'commune', 'organisation')),
    subject_id    INTEGER NOT NULL,
    subject_name  TEXT    NOT NULL,
    subject_key   TEXT    NOT NULL,
    -- the org unit the subject belongs to (village of a household, commune of a clan, the
    -- village or commune itself, the managing unit of an organisation): scope and rollups
    unit_id       INTEGER NOT NULL REFERENCES org_units(id),
    state         TEXT    NOT NULL DEFAULT 'registered'
                  CHECK (state IN ('registered', 'draft', 'submitted', 'returned', 'approved', 'recognised', 'not_recognised')),
    registered_at TEXT    NOT NULL,
    registered_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX registrations_subject_key ON registrations (year, title_kind, subject_kind, subject_id);
CREATE INDEX registrations_unit_idx ON registrations (unit_id, year, title_kind, state);

CREATE TABLE evaluations (
    id               INTEGER PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registrations(id),
    criteria_set_id  INTEGER NOT NULL REFERENCES criteria_sets(id),
    answers          TEXT    NOT NULL DEFAULT '{}',
    -- evidence notes per indicator code
    notes            TEXT    NOT NULL DEFAULT '{}',
    total            INTEGER NOT NULL DEFAULT 0,
    max_total        INTEGER NOT NULL,
    verdict          TEXT    NOT NULL,
    meets_rule       BOOLEAN NOT NULL DEFAULT FALSE,
    complete         BOOLEAN NOT NULL DEFAULT FALSE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    updated_by       INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX evaluations_registration_key ON evaluations (registration_id);

CREATE TABLE evaluation_comments (
    id             INTEGER PRIMARY KEY,
    evaluation_id  INTEGER NOT NULL REFERENCES evaluations(id),
    -- '' for a comment on the whole dossier
    criterion_code TEXT    NOT NULL DEFAULT '',
    kind           TEXT    NOT NULL CHECK (kind IN ('return', 'unlock')),
    body           TEXT    NOT NULL,
    author_id      INTEGER REFERENCES users(id),
    author_name    TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE INDEX evaluation_comments_evaluation_idx ON evaluation_comments (evaluation_id, created_at);

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    evaluation_id  INTEGER NOT NULL REFERENCES evaluations(id),
    indicator_code TEXT    NOT NULL,
    filename       TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT    NOT NULL,
    content        BLOB    NOT NULL,
    uploaded_by    INTEGER REFERENCES users(id),
    uploaded_at    TEXT    NOT NULL
);
CREATE INDEX attachments_evaluation_idx ON attachments (evaluation_id, indicator_code);

CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    number        TEXT    NOT NULL,
    decision_date TEXT    NOT NULL,
    authority     TEXT    NOT NULL,
    signer        TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    title_kind    TEXT    NOT NULL,
    -- the org unit of the issuing authority (its subtree bounds what the decision covers)
    unit_id       INTEGER NOT NULL REFERENCES org_units(id),
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX decisions_number_key ON decisions (authority, number);

CREATE TABLE recognitions (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    decision_id     INTEGER NOT NULL REFERENCES decisions(id),
    recognised      BOOLEAN NOT NULL,
    valid_from_year INTEGER NOT NULL,
    valid_to_year   INTEGER NOT NULL,
    -- random code printed in the certificate's QR code; the public verification page looks it up
    verify_code     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX recognitions_registration_key ON recognitions (registration_id);
CREATE UNIQUE INDEX recognitions_verify_code_key ON recognitions (verify_code);
CREATE INDEX recognitions_decision_idx ON recognitions (decision_id);

-- Counters per (org unit, year, title, state), kept in the same transaction as every change so
-- a dashboard reads O(children) rows, never O(households). Every ancestor of a registration's
-- unit holds a count.
CREATE TABLE rollups (
    unit_id    INTEGER NOT NULL REFERENCES org_units(id),
    year       INTEGER NOT NULL,
    title_kind TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, title_kind, state)
);
