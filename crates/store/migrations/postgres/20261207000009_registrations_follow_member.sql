-- Registrations follow the member: from the year of a transfer on, a member's registrations (every
-- version), their copy-check signatures, the member's ratings and the citizens' feedback on them are held
-- by the member's current unit; a unit's registrations follow it when it moves (the rule is documented on
-- the store's registrations module). Rows written before that rule are realigned here, once.
UPDATE registrations
SET unit_id = (SELECT m.unit_id FROM members m WHERE m.id = registrations.member_id)
WHERE unit_id <> (SELECT m.unit_id FROM members m WHERE m.id = registrations.member_id)
  AND year >= (SELECT CAST(SUBSTR(MAX(ms.from_date), 1, 4) AS INTEGER) FROM memberships ms
               WHERE ms.member_id = registrations.member_id AND ms.to_date IS NULL);
UPDATE registrations
SET unit_path = (SELECT u.path FROM units u WHERE u.id = registrations.unit_id)
WHERE unit_path <> (SELECT u.path FROM units u WHERE u.id = registrations.unit_id);

UPDATE member_ratings
SET unit_id = (SELECT m.unit_id FROM members m WHERE m.id = member_ratings.member_id)
WHERE unit_id <> (SELECT m.unit_id FROM members m WHERE m.id = member_ratings.member_id)
  AND year >= (SELECT CAST(SUBSTR(MAX(ms.from_date), 1, 4) AS INTEGER) FROM memberships ms
               WHERE ms.member_id = member_ratings.member_id AND ms.to_date IS NULL);
UPDATE member_ratings
SET unit_path = (SELECT u.path FROM units u WHERE u.id = member_ratings.unit_id)
WHERE unit_path <> (SELECT u.path FROM units u WHERE u.id = member_ratings.unit_id);

UPDATE registration_signatures
SET unit_path = (SELECT r.unit_path FROM registrations r WHERE r.id = registration_signatures.registration_id)
WHERE unit_path <> (SELECT r.unit_path FROM registrations r WHERE r.id = registration_signatures.registration_id);

UPDATE feedback
SET unit_id = (SELECT r.unit_id FROM registrations r WHERE r.id = feedback.subject_id),
    unit_path = (SELECT r.unit_path FROM registrations r WHERE r.id = feedback.subject_id)
WHERE subject_type = 'registration'
  AND unit_path <> (SELECT r.unit_path FROM registrations r WHERE r.id = feedback.subject_id);
