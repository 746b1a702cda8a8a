-- Retraining and language courses for returnees: the catalogue (provider, region, dates,
-- places) and enrolments — from a returnee's service plan or by the citizen — with the
-- completion and the outcome 3 and 6 months later.

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    -- it, services, care, construction, agriculture, language
    field TEXT NOT NULL,
    provider TEXT NOT NULL,
    region_iso TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    places BIGINT NOT NULL,
    -- seats taken (enrolled or completed); a guarded UPDATE keeps it <= places
    taken BIGINT NOT NULL,
    -- open, cancelled
    status TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX courses_catalogue ON courses(status, ends_on);

CREATE TABLE course_enrolments (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id),
    person_id TEXT NOT NULL REFERENCES persons(id),
    -- the RS-TRN service of a returnee's plan it came from, if any
    service_id TEXT REFERENCES returnee_services(id),
    -- plan, self
    channel TEXT NOT NULL,
    -- enrolled, completed, dropped
    status TEXT NOT NULL,
    completed_on TEXT,
    -- employed_home, employed_abroad_legal, self_employed, not_working (or empty)
    outcome_3m TEXT NOT NULL,
    outcome_6m TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX course_enrolments_once ON course_enrolments(course_id, person_id);
CREATE INDEX course_enrolments_person ON course_enrolments(person_id, created_at);
