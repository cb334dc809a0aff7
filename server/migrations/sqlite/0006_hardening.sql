-- Launch hardening: quotas counted in fixed windows (sign-in failures among them, so the
-- old throttle table goes), sessions a user can see and end, nonprofits verified by an
-- operator.
CREATE TABLE usage_windows (
    usage_key    TEXT   PRIMARY KEY,
    window_start BIGINT NOT NULL,
    used         BIGINT NOT NULL
);
CREATE INDEX usage_windows_start ON usage_windows(window_start);
DROP TABLE sign_in_failures;

-- A session's public id (never its token or hash), the device it signed in from, and
-- when it was last used.
ALTER TABLE sessions ADD COLUMN session_id TEXT;
UPDATE sessions SET session_id = lower(hex(randomblob(12)));
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_used_at = created_at;
CREATE UNIQUE INDEX sessions_public_id ON sessions(session_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- A nonprofit's badge shows only once an operator has verified it; those that exist
-- already (the demo's) were set up by hand and count as verified.
ALTER TABLE stores ADD COLUMN nonprofit_verified_at BIGINT;
UPDATE stores SET nonprofit_verified_at = created_at WHERE is_nonprofit = 1;
