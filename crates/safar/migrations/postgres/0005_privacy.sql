-- Consent per purpose, and legal holds that block anonymisation.

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    purpose TEXT NOT NULL,
    partner TEXT NOT NULL,
    text_version TEXT NOT NULL,
    channel TEXT NOT NULL,
    given_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    recorded_by TEXT
);
CREATE INDEX consents_person ON consents(person_id, purpose);

CREATE TABLE legal_holds (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    reason TEXT NOT NULL,
    placed_by TEXT,
    placed_at BIGINT NOT NULL,
    released_at BIGINT
);
CREATE INDEX legal_holds_person ON legal_holds(person_id);

ALTER TABLE persons ADD COLUMN anonymised_at BIGINT;
