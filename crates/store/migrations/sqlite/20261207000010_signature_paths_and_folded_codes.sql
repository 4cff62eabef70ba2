-- SQLite compares TEXT bytewise (BINARY) already: the PostgreSQL migration of this number makes
-- registration_signatures.unit_path COLLATE "C"; nothing to do for it here.
SELECT 1;

-- A submission folded into earlier near-identical feedback gets its own tracking code, so no citizen is
-- handed another citizen's code (earlier rows have none).
ALTER TABLE feedback_duplicates ADD COLUMN tracking_code TEXT;
CREATE UNIQUE INDEX feedback_duplicates_tracking ON feedback_duplicates(tracking_code);
