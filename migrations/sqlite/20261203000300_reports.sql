-- The yearly report (báo cáo kết quả xây dựng xã hội học tập): its figures are read from the
-- dashboard's counters when it is shown; what is stored is the text officers write for each
-- section of a unit's report for a year.
--
-- Every save claims `version` (the one the editor saw), so two officers writing the same
-- section cannot overwrite each other: the later one gets 409 with the text as it is now.
CREATE TABLE report_narratives (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES org_units(id),
    year       INTEGER NOT NULL,
    -- a code of `reports::types::ReportSection` ('direction', 'results', …)
    section    TEXT    NOT NULL,
    -- plain text; paragraphs are separated by a blank line
    body       TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX report_narratives_key ON report_narratives (unit_id, year, section);
