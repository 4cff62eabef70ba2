-- Closing (khóa sổ): a study session or cell meeting is locked for changes by staff a number of days after it
-- was held — the plan in force sets how many (lock_days, 30 unless set) — until the office reopens it for a
-- while, with a reason (recorded in the audit log).
ALTER TABLE plans ADD COLUMN lock_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE meetings ADD COLUMN reopened_until TEXT;
ALTER TABLE meetings ADD COLUMN reopen_reason TEXT NOT NULL DEFAULT '';
