-- Issue 5: the registry of good-practice models ("mô hình, cách làm hay"): the model and its owner unit,
-- measurable results over time, evidence photos stored in the database (with a JPEG thumbnail), and
-- replication (a unit adopting another unit's model). unit_path columns follow the units (rewritten when a
-- unit moves) so that subtree lists are index range scans.
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL,
    participants TEXT NOT NULL DEFAULT '',
    participants_count INTEGER,
    status TEXT NOT NULL DEFAULT 'in_progress',
    is_public INTEGER NOT NULL DEFAULT 1,
    -- domain::text::fold of name, field and description: diacritic-insensitive search on both backends.
    search_fold TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX models_unit_path ON models(unit_path);
CREATE INDEX models_unit ON models(unit_id);
CREATE INDEX models_public ON models(is_public, unit_path);

CREATE TABLE model_results (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    measured_on TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX model_results_model ON model_results(model_id, measured_on);

CREATE TABLE model_photos (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    thumbnail BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX model_photos_model ON model_photos(model_id);

-- Unit B adopts (nhân rộng) unit A's model: once per model and unit.
CREATE TABLE model_adoptions (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    adopted_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (model_id, unit_id)
);
CREATE INDEX model_adoptions_unit_path ON model_adoptions(unit_path);
CREATE INDEX model_adoptions_unit ON model_adoptions(unit_id);
