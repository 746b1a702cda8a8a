-- Pre-departure orientation: versioned curricula per destination, centres and their
-- inspections, trainer qualifications, sessions with enrolments (and a waiting list),
-- attendance per day, test results, signed certificates and their online verifications,
-- and citizens' online self-study progress.

CREATE TABLE pdo_curricula (
    id TEXT PRIMARY KEY,
    destination TEXT NOT NULL REFERENCES countries(iso2),
    -- Major version: editing a published curriculum makes version + 1; sessions, enrolments
    -- and certificates keep the version they used.
    version BIGINT NOT NULL,
    -- draft, published, retired
    status TEXT NOT NULL,
    pass_mark BIGINT NOT NULL,
    days BIGINT NOT NULL,
    -- 1: online self-study alone is accepted for this destination.
    online_only BIGINT NOT NULL,
    -- JSON: the modules with their destination slots (see pdo::curriculum).
    content TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    published_at BIGINT,
    UNIQUE (destination, version)
);

CREATE TABLE pdo_centres (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region_iso TEXT NOT NULL REFERENCES regions(iso),
    district_soato TEXT REFERENCES districts(soato),
    address TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    contact TEXT NOT NULL,
    -- active, warning, suspended, closed
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE pdo_inspections (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES pdo_centres(id),
    inspected_on TEXT NOT NULL,
    -- Space-separated failed criteria: attendance quality trainers records.
    failed TEXT NOT NULL,
    -- passed, warning, suspension
    outcome TEXT NOT NULL,
    notes TEXT NOT NULL,
    inspector_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX pdo_inspections_centre ON pdo_inspections(centre_id, inspected_on);

-- A trainer (a user with the trainer role) is qualified for one module of one
-- destination's curriculum between two dates (training of trainers completed).
CREATE TABLE pdo_qualifications (
    id TEXT PRIMARY KEY,
    trainer_id TEXT NOT NULL REFERENCES users(id),
    module TEXT NOT NULL,
    destination TEXT NOT NULL REFERENCES countries(iso2),
    issued_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX pdo_qualifications_trainer ON pdo_qualifications(trainer_id, destination);

CREATE TABLE pdo_sessions (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES pdo_centres(id),
    curriculum_id TEXT NOT NULL REFERENCES pdo_curricula(id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    -- uz-Latn, uz-Cyrl, ru, en
    language TEXT NOT NULL,
    -- open, cancelled (the trainee list is fixed from the first day: see pdo::model)
    status TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX pdo_sessions_centre ON pdo_sessions(centre_id, starts_on);
CREATE INDEX pdo_sessions_dates ON pdo_sessions(starts_on);

CREATE TABLE pdo_session_trainers (
    session_id TEXT NOT NULL REFERENCES pdo_sessions(id),
    trainer_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (session_id, trainer_id)
);
CREATE INDEX pdo_session_trainers_trainer ON pdo_session_trainers(trainer_id);

CREATE TABLE pdo_enrolments (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES pdo_sessions(id),
    person_id TEXT NOT NULL REFERENCES persons(id),
    -- enrolled, waiting, withdrawn
    status TEXT NOT NULL,
    -- Order on the waiting list (and of enrolment): milliseconds, then id.
    queued_at BIGINT NOT NULL,
    pre_score BIGINT,
    post_score BIGINT,
    -- passed, failed (empty until the post-test is recorded)
    result TEXT NOT NULL DEFAULT '',
    enrolled_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (session_id, person_id)
);
CREATE INDEX pdo_enrolments_person ON pdo_enrolments(person_id);
CREATE INDEX pdo_enrolments_queue ON pdo_enrolments(session_id, status, queued_at);

CREATE TABLE pdo_attendance (
    enrolment_id TEXT NOT NULL REFERENCES pdo_enrolments(id),
    -- 1 for the first day of the session.
    day BIGINT NOT NULL,
    present BIGINT NOT NULL,
    recorded_by TEXT,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (enrolment_id, day)
);

CREATE TABLE pdo_certificates (
    -- Unguessable: the id printed on the certificate and checked online.
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    enrolment_id TEXT REFERENCES pdo_enrolments(id),
    curriculum_id TEXT NOT NULL REFERENCES pdo_curricula(id),
    destination TEXT NOT NULL,
    version BIGINT NOT NULL,
    centre_id TEXT REFERENCES pdo_centres(id),
    -- The centre's region, or the holder's for online completion (scopes the managers' list).
    region_iso TEXT NOT NULL,
    holder_latn TEXT NOT NULL,
    holder_cyrl TEXT NOT NULL,
    pinfl_last4 TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    score BIGINT NOT NULL,
    issued_on TEXT NOT NULL,
    kid TEXT NOT NULL,
    token TEXT NOT NULL,
    -- valid, revoked
    status TEXT NOT NULL,
    revoked_reason TEXT NOT NULL DEFAULT '',
    revoked_at BIGINT,
    revoked_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX pdo_certificates_person ON pdo_certificates(person_id, destination);
CREATE INDEX pdo_certificates_region ON pdo_certificates(region_iso, created_at);

-- Every online verification, for the certificate's history.
CREATE TABLE pdo_verifications (
    id TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES pdo_certificates(id),
    -- page, api
    via TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX pdo_verifications_certificate ON pdo_verifications(certificate_id, at);

-- Online self-study: the best quiz score per core module.
CREATE TABLE pdo_progress (
    person_id TEXT NOT NULL REFERENCES persons(id),
    curriculum_id TEXT NOT NULL REFERENCES pdo_curricula(id),
    module TEXT NOT NULL,
    score BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, curriculum_id, module)
);

-- PDO coverage reads the departures of the last twelve months.
CREATE INDEX journeys_kind_date ON journeys(kind, event_date);
