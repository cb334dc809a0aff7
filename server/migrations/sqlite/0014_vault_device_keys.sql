-- A phone's key for one session, kept behind its biometrics, that unlocks the vault
-- instead of the PIN (see server/src/wallet/vault.rs). Only the key's SHA-256 is kept:
-- it is 32 random bytes, so a fast hash is enough (argon2 is for six digits).
CREATE TABLE vault_device_keys (
    session_hash TEXT   NOT NULL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    key_hash     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);
