-- Person details the agency matches jobs and services on: education, skills (ISCO-08),
-- languages with CEFR level, household contacts (sealed: a family's names and phones are
-- sensitive), and the full ISO 3166-1 country list for journeys.

CREATE TABLE countries (
    iso2 TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    source TEXT NOT NULL
);

ALTER TABLE persons ADD COLUMN education TEXT NOT NULL DEFAULT '';

CREATE TABLE person_skills (
    person_id TEXT NOT NULL REFERENCES persons(id),
    isco_code TEXT NOT NULL REFERENCES sectors(isco_code),
    PRIMARY KEY (person_id, isco_code)
);
CREATE INDEX person_skills_code ON person_skills(isco_code);

CREATE TABLE person_languages (
    person_id TEXT NOT NULL REFERENCES persons(id),
    language TEXT NOT NULL REFERENCES languages(code),
    level TEXT NOT NULL,
    PRIMARY KEY (person_id, language)
);

-- One row per contact; name, relation and phone are sealed together as JSON.
CREATE TABLE household_contacts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    position BIGINT NOT NULL,
    sealed TEXT NOT NULL
);
CREATE INDEX household_contacts_person ON household_contacts(person_id, position);
