-- The household list at a province's size (issue 8): every sort the page offers has an index,
-- so a page of a province's million households is read in index order instead of sorting them
-- all; substring search has a trigram index.

-- The "village" sort orders by commune, then village, then head: kept on the household so one
-- index serves it (app/src/server/households.rs keeps it current; renaming or moving a unit
-- rewrites it for the households beneath).
ALTER TABLE households ADD COLUMN place_key TEXT NOT NULL DEFAULT '';
UPDATE households SET place_key = COALESCE((
    SELECT COALESCE(c.search_key, '') || ' / ' || v.search_key
    FROM org_units v LEFT JOIN org_units c ON c.id = v.parent_id
    WHERE v.id = households.village_id), '');

-- The list's sorts; SQLite appends the rowid (id) to each, the list's tie-breaker.
CREATE INDEX households_name_idx ON households (search_key);
CREATE INDEX households_place_idx ON households (place_key, search_key);
CREATE INDEX households_members_idx ON households (member_count);
CREATE INDEX households_code_idx ON households (code);
CREATE INDEX households_updated_idx ON households (updated_at);
-- A village's households by name (the scope-first plan and the registration candidates).
DROP INDEX households_village_idx;
CREATE INDEX households_village_idx ON households (village_id, search_key);
-- The few inactive households, counted when a list includes them.
CREATE INDEX households_inactive_idx ON households (village_id) WHERE NOT active;

-- Substring search without diacritics: trigrams of the stored search key (FTS5's trigram
-- tokenizer; PostgreSQL will use pg_trgm). External content: the text stays in households,
-- the index holds only trigrams. detail='none' keeps it small and fast to write; it finds the
-- rows holding every trigram of a word, and the list then checks the word itself with LIKE.
-- Kept by the code that writes households (app/src/server/households.rs), not by triggers: an
-- import indexes its rows in one statement, three times faster than a trigger per row.
CREATE VIRTUAL TABLE households_fts USING fts5(
    search_key, content = 'households', content_rowid = 'id', tokenize = 'trigram', detail = 'none'
);
INSERT INTO households_fts (rowid, search_key) SELECT id, search_key FROM households;
