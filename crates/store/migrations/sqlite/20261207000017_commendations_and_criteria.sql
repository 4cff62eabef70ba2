-- Commendations (khen thưởng, biểu dương), criteria sets (bộ tiêu chí) with dated assessments and
-- recognition decisions, and classifications of units (e.g. đô thị loại II). Paths are the units' materialised
-- paths, kept in step when a unit moves, like inspection records.

-- A commendation: a decision (state 'decided', number and day) or a proposal not yet decided ('proposed')
-- or declined ('declined'). kind: praise | certificate | merit | emulation_flag | title | other (label: the
-- title's or other form's name); level: central | province | district | grassroots | cell. issuer: the unit
-- that issues (or records) it; issuer_name: the body named on the decision when it is outside the tree
-- (e.g. 'Tỉnh ủy Bến Tre'), '' when it is the issuing unit itself.
CREATE TABLE commendations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL,
    issuer_id INTEGER NOT NULL REFERENCES units(id),
    issuer_path TEXT NOT NULL,
    issuer_name TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    decision_number TEXT NOT NULL DEFAULT '',
    decided_on TEXT,
    reason TEXT NOT NULL,
    proposed_by TEXT,
    proposed_unit_id INTEGER REFERENCES units(id),
    proposed_on TEXT,
    decline_note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX commendations_issuer ON commendations(issuer_path, decided_on);
CREATE INDEX commendations_state ON commendations(state, decided_on);

-- Recipients: a unit (unit_id) or a member (member_id); recipient_path = the unit's path, or the path of the
-- member's unit when the commendation was recorded.
CREATE TABLE commendation_recipients (
    id INTEGER PRIMARY KEY,
    commendation_id INTEGER NOT NULL REFERENCES commendations(id),
    unit_id INTEGER REFERENCES units(id),
    member_id INTEGER REFERENCES members(id),
    recipient_path TEXT NOT NULL,
    CHECK ((unit_id IS NULL) <> (member_id IS NULL))
);
CREATE INDEX commendation_recipients_commendation ON commendation_recipients(commendation_id);
CREATE INDEX commendation_recipients_member ON commendation_recipients(member_id);
CREATE INDEX commendation_recipients_unit ON commendation_recipients(unit_id);
CREATE INDEX commendation_recipients_path ON commendation_recipients(recipient_path);

-- What earned a commendation: good-practice models and registrations.
CREATE TABLE commendation_models (
    commendation_id INTEGER NOT NULL REFERENCES commendations(id),
    model_id INTEGER NOT NULL REFERENCES models(id),
    PRIMARY KEY (commendation_id, model_id)
);
CREATE INDEX commendation_models_model ON commendation_models(model_id);
CREATE TABLE commendation_registrations (
    commendation_id INTEGER NOT NULL REFERENCES commendations(id),
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    PRIMARY KEY (commendation_id, registration_id)
);
CREATE INDEX commendation_registrations_registration ON commendation_registrations(registration_id);

-- A criteria set: code (unique), title, version label, the unit that owns it; it applies to the units of one
-- type (applies_type) or to the units listed in criteria_set_units (applies_type NULL).
CREATE TABLE criteria_sets (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    owner_id INTEGER NOT NULL REFERENCES units(id),
    owner_path TEXT NOT NULL,
    applies_type TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE criteria_set_units (
    set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (set_id, unit_id)
);
CREATE INDEX criteria_set_units_unit ON criteria_set_units(unit_id);

-- The criteria of a set, in display order (position): code, title, group, how it is measured, target.
CREATE TABLE criteria_items (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    group_name TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    UNIQUE (set_id, code)
);

-- An assessment of a unit against a set on a day (one per set, unit and day), with its marks (the criteria
-- it names, each met | partly | not_met with evidence) and documents.
CREATE TABLE criteria_assessments (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    as_of TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (set_id, unit_id, as_of)
);
CREATE INDEX criteria_assessments_path ON criteria_assessments(set_id, unit_path, as_of);
CREATE TABLE criteria_marks (
    assessment_id INTEGER NOT NULL REFERENCES criteria_assessments(id),
    item_code TEXT NOT NULL,
    state TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, item_code)
);
CREATE TABLE criteria_documents (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES criteria_assessments(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX criteria_documents_assessment ON criteria_documents(assessment_id);

-- A recognition decision (quyết định công nhận đạt chuẩn) of a unit against a set, and its withdrawal.
CREATE TABLE criteria_recognitions (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    issued_by TEXT NOT NULL DEFAULT '',
    withdrawn_on TEXT,
    withdrawal_number TEXT NOT NULL DEFAULT '',
    withdrawal_reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX criteria_recognitions_path ON criteria_recognitions(set_id, unit_path, decided_on);

-- A classification of a unit decided from a day (e.g. 'Đô thị loại II'), with its history.
CREATE TABLE unit_classifications (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    title TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    issued_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX unit_classifications_unit ON unit_classifications(unit_id, decided_on);
CREATE INDEX unit_classifications_path ON unit_classifications(unit_path);
