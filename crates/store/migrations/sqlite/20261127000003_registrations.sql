-- Issue 4: registrations ("bản đăng ký học tập và làm theo"), their items, pledges, workflow events, reviews
-- and annual ratings. The 27 manifestations are reference data: codes fixed, titles editable.
CREATE TABLE manifestations (
    code TEXT PRIMARY KEY,
    grp TEXT NOT NULL,
    title TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A1', 'Tư tưởng chính trị', 'Phai nhạt lý tưởng cách mạng, dao động, giảm sút niềm tin', 1);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A2', 'Tư tưởng chính trị', 'Xa rời tôn chỉ, mục đích của Đảng; phụ họa theo quan điểm sai trái', 2);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A3', 'Tư tưởng chính trị', 'Nhận thức sai lệch, lười học tập lý luận chính trị', 3);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A4', 'Tư tưởng chính trị', 'Không chấp hành nghiêm nguyên tắc tổ chức; làm việc qua loa, đại khái', 4);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A5', 'Tư tưởng chính trị', 'Nể nang, né tránh, ngại va chạm trong tự phê bình và phê bình', 5);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A6', 'Tư tưởng chính trị', 'Nói không đi đôi với làm', 6);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A7', 'Tư tưởng chính trị', 'Độc đoán, chuyên quyền, áp đặt, bảo thủ', 7);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A8', 'Tư tưởng chính trị', 'Né tránh việc khó; vận động, chạy chức, tham vọng quyền lực', 8);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('A9', 'Tư tưởng chính trị', 'Bố trí, bổ nhiệm người thân quen không đủ tiêu chuẩn', 9);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B1', 'Đạo đức, lối sống', 'Chủ nghĩa cá nhân, cơ hội, ganh ghét, đố kỵ', 10);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B2', 'Đạo đức, lối sống', 'Kèn cựa địa vị, cục bộ, bè phái, gia trưởng', 11);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B3', 'Đạo đức, lối sống', 'Kê khai tài sản, thu nhập không trung thực', 12);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B4', 'Đạo đức, lối sống', 'Che giấu khuyết điểm, chạy theo thành tích', 13);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B5', 'Đạo đức, lối sống', 'Quan liêu, xa dân, vô cảm trước khó khăn của nhân dân', 14);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B6', 'Đạo đức, lối sống', 'Lãng phí, xa hoa, phô trương', 15);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B7', 'Đạo đức, lối sống', 'Tham nhũng, lợi dụng chức vụ, quyền hạn', 16);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B8', 'Đạo đức, lối sống', 'Lợi ích nhóm, thao túng trong công tác cán bộ', 17);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('B9', 'Đạo đức, lối sống', 'Sa vào tệ nạn, vi phạm đạo đức gia đình, xã hội', 18);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C1', 'Tự diễn biến, tự chuyển hóa', 'Phủ nhận nền tảng tư tưởng; đòi đa nguyên, đa đảng', 19);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C2', 'Tự diễn biến, tự chuyển hóa', 'Phủ nhận thể chế, con đường đi lên của đất nước', 20);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C3', 'Tự diễn biến, tự chuyển hóa', 'Nói, viết, làm trái quan điểm; xuyên tạc lịch sử', 21);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C4', 'Tự diễn biến, tự chuyển hóa', 'Kích động, gây bất mãn, bôi nhọ trên mạng', 22);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C5', 'Tự diễn biến, tự chuyển hóa', 'Đòi phi chính trị hóa lực lượng vũ trang', 23);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C6', 'Tự diễn biến, tự chuyển hóa', 'Móc nối, cấu kết với thế lực thù địch', 24);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C7', 'Tự diễn biến, tự chuyển hóa', 'Vi phạm quy định về thông tin đối ngoại', 25);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C8', 'Tự diễn biến, tự chuyển hóa', 'Sáng tác, quảng bá tác phẩm lệch lạc', 26);
INSERT INTO manifestations (code, grp, title, sort_order) VALUES ('C9', 'Tự diễn biến, tự chuyển hóa', 'Tư tưởng dân tộc hẹp hòi, cực đoan', 27);

-- One row per version: a change after approval is a new version; the approved one is kept (superseded = 1).
CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    head INTEGER NOT NULL DEFAULT 0,
    disclosed INTEGER NOT NULL DEFAULT 0,
    pledge_note TEXT NOT NULL DEFAULT '',
    return_comment TEXT NOT NULL DEFAULT '',
    first_submitted_at TEXT,
    submitted_at TEXT,
    approved_at TEXT,
    approved_by TEXT,
    published_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (member_id, year, version)
);
CREATE INDEX registrations_unit ON registrations(year, unit_path);
CREATE INDEX registrations_status ON registrations(status, unit_path);

CREATE TABLE registration_items (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    duty TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    target_number REAL,
    target_unit TEXT,
    deadline TEXT,
    evidence TEXT NOT NULL DEFAULT '',
    flags TEXT NOT NULL DEFAULT '',
    return_comment TEXT NOT NULL DEFAULT '',
    midyear_outcome TEXT,
    midyear_note TEXT NOT NULL DEFAULT '',
    yearend_outcome TEXT,
    yearend_note TEXT NOT NULL DEFAULT '',
    yearend_evidence TEXT NOT NULL DEFAULT '',
    assessed_outcome TEXT,
    assessed_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX registration_items_registration ON registration_items(registration_id, position);

-- The manifestations a registration pledges not to commit (all 27 unless stated otherwise).
CREATE TABLE registration_pledges (
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    code TEXT NOT NULL REFERENCES manifestations(code),
    PRIMARY KEY (registration_id, code)
);

-- Workflow history shown on the registration (the audit log keeps the full before/after as well).
CREATE TABLE registration_events (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX registration_events_registration ON registration_events(registration_id, id);

CREATE TABLE member_ratings (
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    suggested TEXT,
    rating TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    rated_by TEXT NOT NULL,
    rated_at TEXT NOT NULL,
    PRIMARY KEY (member_id, year)
);
CREATE INDEX member_ratings_unit ON member_ratings(year, unit_path);
