-- Issue 3: campaign (directives, plans, themes, monthly topics), meetings (study sessions and cell meetings)
-- and attendance. Per-meeting and per-(meeting, unit) tallies are kept beside the marks so that rates for
-- any subtree and period are sums over small tables.
CREATE TABLE directives (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issuer TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    directive_id INTEGER REFERENCES directives(id),
    scope TEXT NOT NULL DEFAULT '',
    target_attendance INTEGER NOT NULL,
    target_registered INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, number)
);

CREATE TABLE themes (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    plan_id INTEGER REFERENCES plans(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);

CREATE TABLE monthly_topics (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    month TEXT NOT NULL,
    topic TEXT NOT NULL,
    thematic INTEGER NOT NULL DEFAULT 0,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    UNIQUE (unit_id, month)
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT,
    ends_at TEXT,
    place TEXT NOT NULL DEFAULT '',
    online INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    theme_id INTEGER REFERENCES themes(id),
    thematic INTEGER NOT NULL DEFAULT 0,
    minutes TEXT NOT NULL DEFAULT '',
    quality TEXT,
    checkin_code TEXT,
    checkin_opens_at TEXT,
    checkin_closes_at TEXT,
    expected INTEGER NOT NULL DEFAULT 0,
    present INTEGER NOT NULL DEFAULT 0,
    late INTEGER NOT NULL DEFAULT 0,
    excused INTEGER NOT NULL DEFAULT 0,
    absent INTEGER NOT NULL DEFAULT 0,
    makeup INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Covering index for rates: the sum over a subtree and period reads only this index (a cell or the whole
-- country alike); also serves session lists by subtree.
CREATE INDEX meetings_rates ON meetings(kind, unit_path, held_on, expected, present, late, excused, absent, makeup);
CREATE INDEX meetings_unit ON meetings(unit_id, held_on);

-- Units a meeting is held for when it is not the holding unit's whole subtree.
CREATE TABLE meeting_units (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (meeting_id, unit_id)
) WITHOUT ROWID;

-- One row per expected member; status NULL = not marked yet. unit_id is the member's unit on the date.
CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    status TEXT,
    made_up_from TEXT,
    self_checkin INTEGER NOT NULL DEFAULT 0,
    marked_by TEXT,
    marked_at TEXT,
    PRIMARY KEY (meeting_id, member_id)
) WITHOUT ROWID;
CREATE INDEX attendance_member ON attendance(member_id, meeting_id);

-- Tallies per meeting and member unit; unit_path follows the unit (rewritten when a unit moves).
CREATE TABLE attendance_counts (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    expected INTEGER NOT NULL,
    present INTEGER NOT NULL,
    late INTEGER NOT NULL,
    excused INTEGER NOT NULL,
    absent INTEGER NOT NULL,
    makeup INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX attendance_counts_path ON attendance_counts(kind, unit_path, held_on);

CREATE TABLE meeting_documents (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX meeting_documents_meeting ON meeting_documents(meeting_id);

-- Follows unit_parent_history downwards (members_as_of, session lists).
CREATE INDEX unit_parent_history_parent ON unit_parent_history(parent_id);
