-- Hardening of the title cycle (issue 7): criteria sets belong to the org unit that issued them,
-- and the people who scored, added evidence to or submitted a dossier are recorded, so that
-- someone else must review it and include it in a decision.

-- The unit whose administrators issued the set (a province or a district). NULL means national:
-- the sets shipped with the product (QĐ 448 and the Ministry's framework sets). A set applies to
-- the subtree of its owner; a new evaluation uses the most specific published set that covers
-- its unit. Existing sets were all the product's, so they stay national.
ALTER TABLE criteria_sets ADD COLUMN owner_unit_id INTEGER REFERENCES org_units(id);
CREATE INDEX criteria_sets_owner_idx ON criteria_sets (owner_unit_id);

-- A published set's owner is part of what evaluations were scored under: it never changes.
CREATE TRIGGER criteria_sets_published_owner_is_fixed
BEFORE UPDATE OF owner_unit_id ON criteria_sets
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'published criteria sets are immutable');
END;

-- Everyone who saved scores, added evidence or submitted an evaluation, written in the same
-- transaction as that step. Rows are never removed: a later unlock does not make the person who
-- scored a neutral reviewer.
CREATE TABLE evaluation_contributors (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (evaluation_id, user_id)
);
CREATE INDEX evaluation_contributors_user_idx ON evaluation_contributors (user_id);

-- Evaluations scored before this migration: their contributors come from the audit log.
INSERT INTO evaluation_contributors (evaluation_id, user_id)
SELECT DISTINCT a.entity_id, a.user_id FROM audit_log a
WHERE a.entity = 'evaluation' AND a.action IN ('save', 'attach', 'submit')
  AND a.entity_id IN (SELECT id FROM evaluations)
  AND a.user_id IN (SELECT id FROM users);
