-- Subtree filters compare unit paths bytewise (`unit_path >= P AND unit_path < P || '~'`): like every other
-- compared path column, registration_signatures.unit_path must be COLLATE "C", or a non-C database
-- collation misses rows under the subtree. The index on it is rebuilt with the new collation.
DROP INDEX IF EXISTS registration_signatures_year;
ALTER TABLE registration_signatures ALTER COLUMN unit_path TYPE TEXT COLLATE "C";
CREATE INDEX registration_signatures_year ON registration_signatures(year, unit_path);

-- A submission folded into earlier near-identical feedback gets its own tracking code, so no citizen is
-- handed another citizen's code (earlier rows have none).
ALTER TABLE feedback_duplicates ADD COLUMN tracking_code TEXT;
CREATE UNIQUE INDEX feedback_duplicates_tracking ON feedback_duplicates(tracking_code);
