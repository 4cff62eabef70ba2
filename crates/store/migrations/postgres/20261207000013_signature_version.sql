-- Copy detection compares numbers, dates and proper names as placeholders and the clauses of an item in a
-- canonical order (domain::similarity): every stored signature and LSH key was computed the old way and no
-- longer matches a new one. They are dropped here; the store recomputes the signature of every current
-- registration that has none when it opens the database (registrations::refresh_signatures).
DELETE FROM registration_bands;
DELETE FROM registration_signatures;
