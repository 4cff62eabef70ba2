-- Inspection, supervision and discipline: the inspection commissions' records (confidential).
-- Paths (unit_path, subject_path, decided_path) are the units' materialised paths, kept in step when a unit
-- moves, like meetings and registrations.

-- A yearly programme of inspection and supervision (chương trình kiểm tra, giám sát) of a conducting unit.
CREATE TABLE inspection_programmes (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    body TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    decision_number TEXT NOT NULL DEFAULT '',
    decided_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, year, body)
);
CREATE INDEX inspection_programmes_path ON inspection_programmes(unit_path, year);

-- A case (cuộc kiểm tra / giám sát). kind: regular_supervision | thematic_supervision | inspection |
-- violation_inspection | finance_inspection | denunciation | discipline_appeal; body: committee | commission.
-- team: the members of the team, one name per line (accounts are named by their user name).
CREATE TABLE inspection_cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    body TEXT NOT NULL,
    programme_id INTEGER REFERENCES inspection_programmes(id),
    title TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    from_date TEXT,
    to_date TEXT,
    directive_05 INTEGER NOT NULL DEFAULT 0,
    team TEXT NOT NULL DEFAULT '',
    concluded_on TEXT,
    conclusion TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX inspection_cases_path ON inspection_cases(unit_path, decided_on);
CREATE INDEX inspection_cases_kind ON inspection_cases(kind, decided_on);

-- A subject of a case: a unit (unit_id) or a member (member_id), with subject_path = the unit's path or the
-- path of the member's unit when the case was opened. result: no_violation | shortcomings | violation (NULL
-- until concluded); manifestations: codes A1–C9 separated by spaces; registration_id: the member's
-- registration of the year the finding refers to ("đăng ký nhưng không làm theo").
CREATE TABLE inspection_subjects (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES inspection_cases(id),
    unit_id INTEGER REFERENCES units(id),
    member_id INTEGER REFERENCES members(id),
    subject_path TEXT NOT NULL,
    result TEXT,
    manifestations TEXT NOT NULL DEFAULT '',
    registration_id INTEGER,
    note TEXT NOT NULL DEFAULT '',
    CHECK ((unit_id IS NULL) <> (member_id IS NULL))
);
CREATE INDEX inspection_subjects_case ON inspection_subjects(case_id);
CREATE INDEX inspection_subjects_path ON inspection_subjects(subject_path);
CREATE INDEX inspection_subjects_member ON inspection_subjects(member_id);

-- Remedies required of a subject (yêu cầu khắc phục), with a due day and the day reported done.
CREATE TABLE inspection_remedies (
    id INTEGER PRIMARY KEY,
    subject_id INTEGER NOT NULL REFERENCES inspection_subjects(id),
    case_id INTEGER NOT NULL REFERENCES inspection_cases(id),
    text TEXT NOT NULL,
    due TEXT NOT NULL,
    done_on TEXT,
    done_note TEXT NOT NULL DEFAULT '',
    done_by TEXT
);
CREATE INDEX inspection_remedies_subject ON inspection_remedies(subject_id);
CREATE INDEX inspection_remedies_case ON inspection_remedies(case_id);

-- Documents attached to a case (decision, plan, report, conclusion), stored like meeting documents.
CREATE TABLE inspection_documents (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES inspection_cases(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX inspection_documents_case ON inspection_documents(case_id);

-- Discipline decisions on a member (member_id) or a unit (unit_id). form: reprimand | warning | dismissal |
-- expulsion | dissolution. state: in_force | changed | annulled (after an appeal); form_in_force is the form
-- after appeals (NULL when annulled). subject_path as for subjects; decided_path = the deciding unit's path.
CREATE TABLE disciplines (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES members(id),
    unit_id INTEGER REFERENCES units(id),
    subject_path TEXT NOT NULL,
    form TEXT NOT NULL,
    form_in_force TEXT,
    state TEXT NOT NULL DEFAULT 'in_force',
    decided_by INTEGER NOT NULL REFERENCES units(id),
    decided_path TEXT NOT NULL,
    body TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    case_id INTEGER REFERENCES inspection_cases(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((unit_id IS NULL) <> (member_id IS NULL))
);
CREATE INDEX disciplines_member ON disciplines(member_id, decided_on);
CREATE INDEX disciplines_subject_path ON disciplines(subject_path, decided_on);
CREATE INDEX disciplines_decided_path ON disciplines(decided_path, decided_on);

-- Appeals against a discipline decision, handled as a discipline_appeal case; outcome: upheld | changed_form
-- | annulled (NULL while pending), new_form for changed_form.
CREATE TABLE discipline_appeals (
    id INTEGER PRIMARY KEY,
    discipline_id INTEGER NOT NULL REFERENCES disciplines(id),
    filed_on TEXT NOT NULL,
    case_id INTEGER REFERENCES inspection_cases(id),
    outcome TEXT,
    new_form TEXT,
    decided_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX discipline_appeals_discipline ON discipline_appeals(discipline_id);

-- Xóa tên decisions (Điều lệ Đảng, Điều 8): the member's status becomes struck_off from decided_on.
CREATE TABLE strike_offs (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    decided_by INTEGER NOT NULL REFERENCES units(id),
    decision_number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX strike_offs_path ON strike_offs(unit_path, decided_on);
CREATE INDEX strike_offs_member ON strike_offs(member_id);
