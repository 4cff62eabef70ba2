-- Issue 5: citizen oversight on the public portal. Feedback on a published registration or a public model,
-- routed to the unit that owns the subject (unit_path follows unit moves), moderated and answered there;
-- name and contact are stored for the unit only. public_rate holds the per-address counters of public
-- writes (so a limit holds across instances sharing a database). citizen_answers records, once per device,
-- whether citizens saw an item done after its deadline, counted once per address.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    subject_type TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    content TEXT NOT NULL,
    name TEXT,
    contact TEXT,
    client_key TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    hide_reason TEXT NOT NULL DEFAULT '',
    moderated_by TEXT,
    moderated_at TEXT,
    answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT,
    answered_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_unit_path ON feedback(unit_path, created_at);
CREATE INDEX feedback_subject ON feedback(subject_type, subject_id);
CREATE INDEX feedback_status ON feedback(status, created_at);

CREATE TABLE public_rate (
    key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    window_start TEXT NOT NULL
);

CREATE TABLE citizen_answers (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES registration_items(id),
    device_hash TEXT NOT NULL,
    -- The hashed client address: answers count once per address and item (one person clearing cookies
    -- cannot make a quorum alone).
    address_hash TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (item_id, device_hash)
);
