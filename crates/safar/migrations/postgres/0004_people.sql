-- People registry: persons, their phones, name search keys, and journeys abroad and back.
-- Passport numbers are sealed (see platform/crypto.rs) and found through a blind index.

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    pinfl TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    patronymic TEXT NOT NULL,
    given_name_latn TEXT NOT NULL,
    family_name_latn TEXT NOT NULL,
    patronymic_latn TEXT NOT NULL,
    given_name_cyrl TEXT NOT NULL,
    family_name_cyrl TEXT NOT NULL,
    patronymic_cyrl TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    birth_year BIGINT NOT NULL,
    gender TEXT NOT NULL,
    region_iso TEXT NOT NULL REFERENCES regions(iso),
    district_soato TEXT REFERENCES districts(soato),
    mahalla TEXT NOT NULL,
    email TEXT,
    passport_sealed TEXT,
    passport_index TEXT,
    status TEXT NOT NULL,
    user_id TEXT UNIQUE REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX persons_region ON persons(region_iso, birth_year);
CREATE INDEX persons_passport ON persons(passport_index);

CREATE TABLE person_phones (
    person_id TEXT NOT NULL REFERENCES persons(id),
    phone TEXT NOT NULL,
    PRIMARY KEY (person_id, phone)
);
CREATE INDEX person_phones_phone ON person_phones(phone);

-- The dictionary of distinct folded name words: searched instead of the persons table.
CREATE TABLE name_keys (
    name_key TEXT PRIMARY KEY,
    skeleton TEXT NOT NULL,
    bucket TEXT NOT NULL,
    persons BIGINT NOT NULL
);
CREATE INDEX name_keys_skeleton ON name_keys(skeleton);
CREATE INDEX name_keys_bucket ON name_keys(bucket);

-- Which persons carry which name word (a posting list per word).
CREATE TABLE person_name_keys (
    name_key TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (name_key, person_id)
);
CREATE INDEX person_name_keys_person ON person_name_keys(person_id);

CREATE TABLE journeys (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    event_date TEXT NOT NULL,
    country_iso2 TEXT NOT NULL,
    channel TEXT NOT NULL,
    employer TEXT NOT NULL,
    recruiter TEXT NOT NULL,
    sector_isco TEXT NOT NULL,
    source TEXT NOT NULL,
    natural_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX journeys_person ON journeys(person_id, event_date);
