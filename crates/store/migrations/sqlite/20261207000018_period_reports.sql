-- Period reports (báo cáo sơ kết / tổng kết): reporting rounds a unit sets for its sub-units, the reports
-- (a sub-unit's in a round, or a unit's own outside any round), and their sign-off steps. Figures are never
-- stored while a report is open: they are computed from records; an accepted or issued report keeps the
-- figures it was signed with (frozen_json, the serialised domain::report::PeriodReport).

-- A round: the parent unit, the period its sub-units report on, and the due day.
CREATE TABLE report_rounds (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    due_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX report_rounds_unit ON report_rounds(unit_id, period_to);

-- A report. status: draft | submitted | returned | accepted | issued. header_json: domain::report::ReportHeader;
-- narratives_json: the writer's sections. first_submitted_at decides "on time" against the round's due day.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    round_id INTEGER REFERENCES report_rounds(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    status TEXT NOT NULL,
    header_json TEXT NOT NULL,
    narratives_json TEXT NOT NULL,
    frozen_json TEXT,
    frozen_at TEXT,
    first_submitted_at TEXT,
    submitted_at TEXT,
    returns INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX reports_round_unit ON reports(round_id, unit_id);
CREATE INDEX reports_unit ON reports(unit_id, period_to);

-- The sign-off steps of a report, oldest first. action: submit | return | accept | issue.
CREATE TABLE report_events (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    action TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    by_user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, id);
