-- When the member pledged against the 27 manifestations of Nghị quyết Trung ương 4 khóa XII (issued
-- 30/10/2016), if later than the registration was written: a registration written before that date carries
-- its commitments without the pledge, which was added afterwards (at the year-end review). NULL: pledged when
-- the registration was written.
ALTER TABLE registrations ADD COLUMN pledged_at TEXT;
