-- Training, second part: the module editor's drafts and in-person sessions (hội nghị tập huấn).
--
-- A draft version carries a revision that every save claims, so two administrators editing
-- the same draft cannot overwrite each other (409 with the draft as it is now).
ALTER TABLE training_module_versions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

-- An in-person session: when, where, who organised it, its agenda, and the modules it covers.
CREATE TABLE training_sessions (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    -- the day it was held, YYYY-MM-DD (Vietnam time)
    held_on     TEXT    NOT NULL,
    place       TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    agenda      TEXT    NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX training_sessions_unit_idx ON training_sessions (unit_id, held_on);

-- The modules a session teaches: attending it completes them.
CREATE TABLE training_session_modules (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id),
    module_id  INTEGER NOT NULL REFERENCES training_modules(id),
    PRIMARY KEY (session_id, module_id)
);

-- A delegate: a user picked from the registry of users, or a line of an imported list (name,
-- unit, position) for a delegate without an account. `unit_id` is where the attendance counts:
-- the user's unit, or the unit the imported line names (else the organising unit).
CREATE TABLE training_session_attendees (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
    user_id     INTEGER REFERENCES users(id),
    full_name   TEXT    NOT NULL,
    unit_name   TEXT    NOT NULL,
    position    TEXT    NOT NULL DEFAULT '',
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    -- NULL until attendance is marked
    attended_at TEXT
);
CREATE INDEX training_session_attendees_session_idx ON training_session_attendees (session_id);
CREATE UNIQUE INDEX training_session_attendees_user_key
    ON training_session_attendees (session_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX training_session_attendees_unit_idx ON training_session_attendees (unit_id);

-- A completion earned by attending a session (attempt_id is then NULL).
ALTER TABLE training_completions ADD COLUMN session_id INTEGER REFERENCES training_sessions(id);

-- Documents attached to a module (PDF and office files, typed from their content). A file is
-- stored once by its SHA-256; each version lists its documents, so a new draft copies the
-- list, not the bytes, and a completion's version keeps the documents it had.
CREATE TABLE training_files (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL,
    bytes        BLOB    NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX training_files_sha256_key ON training_files (sha256);

CREATE TABLE training_documents (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES training_module_versions(id),
    position   INTEGER NOT NULL,
    file_id    INTEGER NOT NULL REFERENCES training_files(id),
    filename   TEXT    NOT NULL
);
CREATE INDEX training_documents_version_idx ON training_documents (version_id, position);
CREATE INDEX training_documents_file_idx ON training_documents (file_id);
