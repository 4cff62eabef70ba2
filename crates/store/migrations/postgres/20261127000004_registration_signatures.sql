-- Copy detection through the database: the MinHash signature of every current registration and its LSH
-- bucket keys (one per band), so that checking a new registration against a whole province is a few
-- indexed lookups, and clustering a subtree reads stored signatures instead of re-reading every item.
-- Only current (not superseded) versions have rows; they are rewritten with the items.
CREATE TABLE registration_signatures (
    registration_id BIGINT PRIMARY KEY REFERENCES registrations(id),
    year BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    member_id BIGINT NOT NULL,
    shingles BIGINT NOT NULL,
    signature BYTEA NOT NULL
);
CREATE INDEX registration_signatures_year ON registration_signatures(year, unit_path);

CREATE TABLE registration_bands (
    year BIGINT NOT NULL,
    band_key BIGINT NOT NULL,
    registration_id BIGINT NOT NULL REFERENCES registrations(id)
);
CREATE INDEX registration_bands_key ON registration_bands(year, band_key);
CREATE INDEX registration_bands_registration ON registration_bands(registration_id);

-- The approval queue and the unit table read current versions by status.
CREATE INDEX registrations_current ON registrations(superseded, year, unit_path);
