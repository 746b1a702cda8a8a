-- TOTP replay protection: the last accepted time step per user.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
