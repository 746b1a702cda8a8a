-- The version of the public register (recruiters, current licences and their decisions,
-- complaint sanctions, flagged intermediaries): bumped in the same transaction as every
-- change to them, so each server knows when its in-memory copy is out of date.

CREATE TABLE register_versions (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO register_versions (id, version) VALUES (1, 0);
