-- Vacancies (job orders under a legal channel, posted by a licensed recruiter), their
-- decisions, and citizens' applications with the match score shown to the recruiter.

CREATE TABLE vacancies (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    recruiter_id TEXT NOT NULL REFERENCES recruiters(id),
    -- The foreign employer or scheme operator, when it is in the register: its host-country
    -- licence falling flags the vacancy like the agency's own.
    operator_id TEXT REFERENCES recruiters(id),
    channel TEXT NOT NULL REFERENCES channels(code),
    country_iso2 TEXT NOT NULL REFERENCES countries(iso2),
    employer TEXT NOT NULL,
    title TEXT NOT NULL,
    sector_isco TEXT NOT NULL REFERENCES sectors(isco_code),
    positions BIGINT NOT NULL,
    wage BIGINT NOT NULL,
    currency TEXT NOT NULL,
    hours_per_week BIGINT NOT NULL,
    housing TEXT NOT NULL,
    employer_pays TEXT NOT NULL,
    -- What the worker is charged for recruitment; anything above 0 blocks verification.
    worker_fee BIGINT NOT NULL,
    language TEXT NOT NULL,
    language_level TEXT NOT NULL,
    pdo_required BIGINT NOT NULL,
    -- Space-separated region codes recruited from; empty means the whole country.
    regions TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL,
    -- Set when a worker reports paying a recruitment fee for it, or its recruiter falls.
    red_flag TEXT NOT NULL DEFAULT '',
    demo BIGINT NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX vacancies_recruiter ON vacancies(recruiter_id, state);
CREATE INDEX vacancies_public ON vacancies(state, country_iso2, sector_isco);

CREATE TABLE vacancy_events (
    id TEXT PRIMARY KEY,
    vacancy_id TEXT NOT NULL REFERENCES vacancies(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX vacancy_events_vacancy ON vacancy_events(vacancy_id, at);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    vacancy_id TEXT NOT NULL REFERENCES vacancies(id),
    person_id TEXT NOT NULL REFERENCES persons(id),
    state TEXT NOT NULL,
    score BIGINT NOT NULL,
    -- The parts of the score as JSON, so the ranking can be explained.
    score_parts TEXT NOT NULL,
    journey_id TEXT,
    -- Set by the licence cascade when the recruiter's licence falls.
    flagged_at BIGINT,
    flag_reason TEXT NOT NULL DEFAULT '',
    -- The recruiter whose licence fell.
    flagged_recruiter_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (vacancy_id, person_id)
);
CREATE INDEX applications_person ON applications(person_id);
CREATE INDEX applications_vacancy ON applications(vacancy_id, score);
CREATE INDEX applications_flagged ON applications(flagged_recruiter_id);
CREATE INDEX vacancies_operator ON vacancies(operator_id);

CREATE TABLE application_events (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX application_events_application ON application_events(application_id, at);

-- What a person is told on their account, e.g. that the licence of the agency they applied
-- through has been suspended.
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    -- The vacancy reference it is about.
    subject TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX alerts_person ON alerts(person_id, created_at);
