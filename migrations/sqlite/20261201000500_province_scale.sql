-- A province on one machine (issue 8).

-- The same household cannot be registered twice: one active household per duplicate key
-- (village | head name | address, accents and case ignored). Every write path checked this
-- before writing, but two writers at once could both pass the check; now the second fails.
-- Households that slipped in twice that way are deactivated here, the oldest kept (records
-- are never deleted; an officer can see and reactivate them).
UPDATE households SET active = 0, version = version + 1
WHERE active AND EXISTS (
    SELECT 1 FROM households older
    WHERE older.dup_key = households.dup_key AND older.active AND older.id < households.id
);
DROP INDEX households_dup_idx;
CREATE UNIQUE INDEX households_dup_key ON households (dup_key) WHERE active;

-- Registry counters per org unit (see app/src/server/counts.rs): active households, clans and
-- organisations under each unit, the unit included.
CREATE TABLE unit_counts (
    unit_id INTEGER NOT NULL REFERENCES org_units(id),
    entity  TEXT    NOT NULL CHECK (entity IN ('household', 'clan', 'organisation')),
    active  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, entity)
);

WITH RECURSIVE ancestors (unit_id, ancestor_id) AS (
    SELECT id, id FROM org_units
    UNION ALL
    SELECT a.unit_id, u.parent_id FROM ancestors a JOIN org_units u ON u.id = a.ancestor_id
    WHERE u.parent_id IS NOT NULL
)
INSERT INTO unit_counts (unit_id, entity, active)
SELECT ancestor_id, entity, SUM(n) FROM (
    SELECT a.ancestor_id, 'household' AS entity, COUNT(*) AS n
    FROM households h JOIN ancestors a ON a.unit_id = h.village_id WHERE h.active GROUP BY a.ancestor_id
    UNION ALL
    SELECT a.ancestor_id, 'clan', COUNT(*)
    FROM clans k JOIN ancestors a ON a.unit_id = k.commune_id WHERE k.active GROUP BY a.ancestor_id
    UNION ALL
    SELECT a.ancestor_id, 'organisation', COUNT(*)
    FROM organisations o JOIN ancestors a ON a.unit_id = o.managing_unit_id WHERE o.active GROUP BY a.ancestor_id
) GROUP BY ancestor_id, entity;

-- Uncommitted import files are deleted after KH_IMPORT_RETENTION_DAYS: find them by age.
CREATE INDEX import_batches_created_idx ON import_batches (created_at) WHERE committed_at IS NULL;
-- Files of committed batches are no longer kept.
UPDATE import_batches SET content = x'' WHERE committed_at IS NOT NULL;
