-- Targets (chỉ tiêu) and the change feed of the live dashboards.

-- The share of a group a unit aims to have recognised (or, for officers, trained) in a year.
-- A unit without its own row for a year and group takes its nearest ancestor's.
CREATE TABLE targets (
    unit_id    INTEGER NOT NULL REFERENCES org_units(id),
    year       INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    percent    INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    updated_at TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    PRIMARY KEY (unit_id, year, kind)
);

-- Which unit's figures changed. Written in the transaction of the change itself, so a row is
-- visible only once that change has committed; one task per server reads the new rows and
-- tells the open dashboards whose scope covers the unit. Old rows are pruned.
CREATE TABLE dashboard_changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_path TEXT    NOT NULL,
    at        TEXT    NOT NULL
);
