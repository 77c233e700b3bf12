-- Training (tập huấn): modules in versions, their lessons and question banks, what each
-- trainee has read, quiz attempts with every answer as it was chosen, and completions.
--
-- A module is a lineage (`training_modules`, stable code); its content lives in versions.
-- Trainees read the newest published version. Editing a published version makes a new draft
-- version; publishing it supersedes the old one, whose rows stay (attempts and completions
-- keep pointing at the version they were taken on, so a later edit never revokes anything).

CREATE TABLE training_modules (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL,
    -- order on the trainee's page
    position      INTEGER NOT NULL,
    -- completing it is what the "training gates scoring authority" setting asks for
    gates_scoring BOOLEAN NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX training_modules_code_key ON training_modules (code);

CREATE TABLE training_module_versions (
    id                    INTEGER PRIMARY KEY,
    module_id             INTEGER NOT NULL REFERENCES training_modules(id),
    version               INTEGER NOT NULL,
    status                TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
    title                 TEXT    NOT NULL,
    summary               TEXT    NOT NULL,
    -- JSON array of the documents the module cites
    sources               TEXT    NOT NULL DEFAULT '[]',
    pass_percent          INTEGER NOT NULL CHECK (pass_percent BETWEEN 1 AND 100),
    questions_per_attempt INTEGER NOT NULL CHECK (questions_per_attempt >= 1),
    -- NULL: no limit
    attempt_limit         INTEGER CHECK (attempt_limit IS NULL OR attempt_limit >= 1),
    time_limit_minutes    INTEGER CHECK (time_limit_minutes IS NULL OR time_limit_minutes >= 1),
    created_at            TEXT    NOT NULL,
    published_at          TEXT
);
CREATE UNIQUE INDEX training_module_versions_key ON training_module_versions (module_id, version);
-- at most one draft and one published version per module
CREATE UNIQUE INDEX training_module_versions_one_draft
    ON training_module_versions (module_id) WHERE status = 'draft';
CREATE UNIQUE INDEX training_module_versions_one_published
    ON training_module_versions (module_id) WHERE status = 'published';

CREATE TABLE training_lessons (
    id              INTEGER PRIMARY KEY,
    version_id      INTEGER NOT NULL REFERENCES training_module_versions(id),
    -- 1, 2, 3 … within the version
    position        INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    body_md         TEXT    NOT NULL,
    reading_minutes INTEGER NOT NULL
);
CREATE UNIQUE INDEX training_lessons_key ON training_lessons (version_id, position);

-- The question bank of a version. `options` is a JSON array of {text, correct}: the answer key.
-- It never leaves the server before an attempt is submitted.
CREATE TABLE training_questions (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES training_module_versions(id),
    position    INTEGER NOT NULL,
    multiple    BOOLEAN NOT NULL,
    prompt      TEXT    NOT NULL,
    options     TEXT    NOT NULL,
    explanation TEXT    NOT NULL
);
CREATE UNIQUE INDEX training_questions_key ON training_questions (version_id, position);

-- Lessons a trainee has opened, by position (positions outlive versions, so reading goes on
-- after an edit), and where to resume.
CREATE TABLE training_reads (
    user_id   INTEGER NOT NULL REFERENCES users(id),
    module_id INTEGER NOT NULL REFERENCES training_modules(id),
    position  INTEGER NOT NULL,
    read_at   TEXT    NOT NULL,
    PRIMARY KEY (user_id, module_id, position)
);

CREATE TABLE training_attempts (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    module_id      INTEGER NOT NULL REFERENCES training_modules(id),
    version_id     INTEGER NOT NULL REFERENCES training_module_versions(id),
    started_at     TEXT    NOT NULL,
    -- the server's clock decides; NULL without a time limit
    deadline       TEXT,
    -- JSON: the questions drawn, in order, each with its options' shown order
    drawn          TEXT    NOT NULL,
    submitted_at   TEXT,
    correct_count  INTEGER,
    question_count INTEGER NOT NULL,
    score_percent  INTEGER,
    passed         BOOLEAN
);
CREATE INDEX training_attempts_user_idx ON training_attempts (user_id, module_id);
-- one open attempt per trainee and module: a second "start" resumes it
CREATE UNIQUE INDEX training_attempts_one_open
    ON training_attempts (user_id, module_id) WHERE submitted_at IS NULL;

-- Each answer as it was chosen: options by their index in the question's stored list.
CREATE TABLE training_answers (
    attempt_id  INTEGER NOT NULL REFERENCES training_attempts(id),
    question_id INTEGER NOT NULL REFERENCES training_questions(id),
    chosen      TEXT    NOT NULL,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);

-- A module completed: by a passing attempt (written in the same transaction) or, later, by
-- attendance at an in-person session. Never revoked; one per trainee and module.
CREATE TABLE training_completions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    module_id    INTEGER NOT NULL REFERENCES training_modules(id),
    version_id   INTEGER NOT NULL REFERENCES training_module_versions(id),
    attempt_id   INTEGER REFERENCES training_attempts(id),
    completed_at TEXT    NOT NULL,
    -- what the certificate's QR code and the public /xac-minh page look up
    verify_code  TEXT    NOT NULL
);
CREATE UNIQUE INDEX training_completions_key ON training_completions (user_id, module_id);
CREATE UNIQUE INDEX training_completions_verify_key ON training_completions (verify_code);
