-- Positions become structured: a post (bí thư, phó bí thư, ủy viên ban thường vụ, chủ tịch, trưởng …) held in
-- a body (party unit, government, front, mass organisation, neighbourhood) — in a unit of the tree when the
-- body is one — from a date to a date. post NULL = not yet classified: the store classifies such rows from
-- their title when it opens the database (so rows written before this version are classified too);
-- post 'unknown' = the title could not be mapped (listed for review).
ALTER TABLE positions ADD COLUMN post TEXT;
ALTER TABLE positions ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE positions ADD COLUMN unit_id INTEGER REFERENCES units(id);
ALTER TABLE positions ADD COLUMN from_date TEXT;
ALTER TABLE positions ADD COLUMN to_date TEXT;
CREATE INDEX positions_unit ON positions(unit_id, post);
CREATE INDEX positions_post ON positions(post);

-- Ratings: the cell proposes, the grassroots committee decides. A proposal per member and year; the decision
-- stays in member_ratings (rating, rated_by, rated_at).
CREATE TABLE rating_proposals (
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    suggested TEXT,
    rating TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    PRIMARY KEY (member_id, year)
);
CREATE INDEX rating_proposals_unit ON rating_proposals(year, unit_path);
