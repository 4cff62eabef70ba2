-- lamtheo foundation schema (SQLite). Dates are TEXT 'YYYY-MM-DD', timestamps TEXT 'YYYY-MM-DDTHH:MM:SS.mmmZ' (UTC).
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    unit_type TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    path TEXT NOT NULL,
    depth INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    valid_from TEXT,
    valid_to TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id, sort_order);
CREATE INDEX units_path ON units(path);

CREATE TABLE unit_parent_history (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    parent_id INTEGER REFERENCES units(id),
    from_date TEXT,
    to_date TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX unit_parent_history_unit ON unit_parent_history(unit_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    given_fold TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    gender TEXT,
    birth_date TEXT,
    card_number TEXT UNIQUE,
    citizen_id TEXT UNIQUE,
    joined_on TEXT,
    official_on TEXT,
    phone TEXT,
    status TEXT NOT NULL,
    status_since TEXT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX members_unit ON members(unit_id, sort_key);
CREATE INDEX members_sort ON members(sort_key);
-- Prefix search by full name ("nguyen van an…") and by given name first ("an nguyen…").
CREATE INDEX members_fold ON members(name_fold);
CREATE INDEX members_given ON members(given_fold);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    from_date TEXT NOT NULL,
    to_date TEXT
);
CREATE INDEX memberships_member ON memberships(member_id, from_date);
CREATE INDEX memberships_unit ON memberships(unit_id, from_date);

CREATE TABLE member_status_history (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    status TEXT NOT NULL,
    from_date TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX member_status_history_member ON member_status_history(member_id);

CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    title TEXT NOT NULL,
    duties TEXT NOT NULL DEFAULT '',
    head INTEGER NOT NULL DEFAULT 0,
    key_cadre INTEGER NOT NULL DEFAULT 0,
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX positions_member ON positions(member_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    member_id INTEGER REFERENCES members(id),
    display_name TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    password_changed_at TEXT
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    object_label TEXT NOT NULL DEFAULT '',
    unit_path TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE uploads (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
