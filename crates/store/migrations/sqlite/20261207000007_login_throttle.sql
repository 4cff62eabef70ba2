-- Login throttling without lock-outs (domain::policy::login_limits): each counter row now also keeps the
-- earliest time its next attempt is admitted ('' = at once) and whether the last upsert admitted one, so
-- one statement both counts and decides. Rows written under the old lock-out rule are dropped.
DELETE FROM login_attempts;
ALTER TABLE login_attempts ADD COLUMN next_at TEXT NOT NULL DEFAULT '';
ALTER TABLE login_attempts ADD COLUMN admitted INTEGER NOT NULL DEFAULT 1;

-- Devices that signed in to an account (OWASP "device cookies"): only the SHA-256 of the random token.
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE INDEX login_devices_user ON login_devices(user_id);
