-- Break-the-glass on a person's record: a member of staff outside the person's region or
-- district opened it, with a reason, for three hours (cases have their own grants).
CREATE TABLE person_access_grants (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    region_iso TEXT NOT NULL,
    reason TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX person_access_grants_user ON person_access_grants(user_id, person_id, expires_at);
CREATE INDEX person_access_grants_time ON person_access_grants(granted_at);
