-- Org-unit codes are unique regardless of case: "51-TB" and "51-tb" are the same unit to an
-- officer typing a code, to the importer and to the lookups (codes are ASCII, so lower() is
-- exact on both engines).
CREATE UNIQUE INDEX org_units_code_ci_key ON org_units (lower(code));

-- A household, clan or organisation that moves takes its open registrations along: find them
-- by subject without scanning every year.
CREATE INDEX registrations_subject_idx ON registrations (subject_kind, subject_id);
