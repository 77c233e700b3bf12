-- Org units over time: the 2025 reform removed districts and merged communes (and the 2020 one
-- merged Tây Trà back into Trà Bồng). History is not edited: a unit that ends keeps its rows,
-- its place in the tree and its counters, gets the last year it existed, and is linked to the
-- units that took its area over.

-- The first and the last year a unit existed; NULL: before records began / still exists.
ALTER TABLE org_units ADD COLUMN valid_from INTEGER;
ALTER TABLE org_units ADD COLUMN valid_to INTEGER;

-- "The area of `predecessor_id` belongs to `successor_id` from `year` on": a merge is several
-- rows with one successor, a dissolved level one row to the unit that takes its place, a
-- transfer to another parent one row to the unit's new record.
CREATE TABLE org_unit_successions (
    predecessor_id INTEGER NOT NULL REFERENCES org_units(id),
    successor_id   INTEGER NOT NULL REFERENCES org_units(id),
    year           INTEGER NOT NULL,
    -- the legal basis, e.g. "Nghị quyết 867/NQ-UBTVQH14"
    basis          TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX org_unit_successions_successor_idx ON org_unit_successions (successor_id);

-- Where a unit that a succession moved stood before: up to and including `until_year` its
-- dossiers count under `path` (the rollups of those years stay on that year's tree).
CREATE TABLE org_unit_paths (
    unit_id    INTEGER NOT NULL REFERENCES org_units(id),
    until_year INTEGER NOT NULL,
    path       TEXT    NOT NULL,
    PRIMARY KEY (unit_id, until_year)
);

-- The denominators of a year as they stood when it began (active households, clans and
-- organisations, villages and communes under each unit): a past year is measured against its
-- own registry, not today's.
CREATE TABLE eligible_snapshots (
    unit_id INTEGER NOT NULL REFERENCES org_units(id),
    year    INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (year, unit_id, kind)
);
