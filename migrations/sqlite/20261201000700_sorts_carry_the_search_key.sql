-- A search on a common word in a large scope reads a sort's index in order and checks the
-- words on each entry (the "index walk" of app/src/server/households/list.rs). When the index
-- holds the search key, SQLite checks the words on the index entry and reads only the matching
-- rows; without it every entry costs a read of the row, about five times slower (a page forty
-- deep of "nguyen van" sorted by members: 79 ms, against 15 ms sorted by name). The key is also
-- the tie-breaker users expect: households with as many members are listed by name.
DROP INDEX households_members_idx;
DROP INDEX households_code_idx;
DROP INDEX households_updated_idx;
CREATE INDEX households_members_idx ON households (member_count, search_key);
CREATE INDEX households_code_idx ON households (code, search_key);
CREATE INDEX households_updated_idx ON households (updated_at, search_key);
