-- The campaign calendar a unit sets for a year (docs/DOMAIN.md § Campaign calendar): the registration
-- deadline, the review windows, the reporting dates and the day of the month before by which monthly
-- topics are set. A NULL field inherits from the units above; a unit with no row inherits everything.
-- Dates are TEXT 'YYYY-MM-DD' like every other date.
CREATE TABLE campaign_calendars (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    plan_id INTEGER REFERENCES plans(id),
    registration_deadline TEXT,
    midyear_review_opens TEXT,
    yearend_review_opens TEXT,
    assessment_opens TEXT,
    midyear_report_due TEXT,
    yearend_report_due TEXT,
    topic_day INTEGER,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);
CREATE INDEX campaign_calendars_year ON campaign_calendars(year);
