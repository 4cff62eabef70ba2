-- Near-identical feedback on one subject within a day is folded into the first one instead of becoming a
-- new queue item: `duplicates` counts the folded submissions, and each one is kept in feedback_duplicates
-- (name and contact for the unit only, the hashed address), so nothing a citizen sent is lost.
ALTER TABLE feedback ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;

CREATE TABLE feedback_duplicates (
    id INTEGER PRIMARY KEY,
    feedback_id INTEGER NOT NULL REFERENCES feedback(id),
    name TEXT,
    contact TEXT,
    client_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_duplicates_feedback ON feedback_duplicates(feedback_id);
