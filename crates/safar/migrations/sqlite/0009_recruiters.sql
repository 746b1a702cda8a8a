-- Recruiters: local private employment agencies and foreign employers / scheme operators,
-- their licences (one row per application; the latest is the current one) and every decision.

CREATE TABLE recruiters (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_other_script TEXT NOT NULL,
    stir TEXT,
    country_iso2 TEXT NOT NULL REFERENCES countries(iso2),
    registration_no TEXT NOT NULL,
    host_licence_no TEXT NOT NULL,
    host_licence_state TEXT NOT NULL,
    address TEXT NOT NULL,
    region_iso TEXT REFERENCES regions(iso),
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    demo BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX recruiters_stir ON recruiters(stir);

-- Folded name words (uz-text), for search in any script.
CREATE TABLE recruiter_words (
    word TEXT NOT NULL,
    recruiter_id TEXT NOT NULL REFERENCES recruiters(id),
    PRIMARY KEY (word, recruiter_id)
);
CREATE INDEX recruiter_words_recruiter ON recruiter_words(recruiter_id);

CREATE TABLE licences (
    id TEXT PRIMARY KEY,
    recruiter_id TEXT NOT NULL REFERENCES recruiters(id),
    licence_no TEXT UNIQUE,
    state TEXT NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    conditions TEXT NOT NULL,
    reason TEXT NOT NULL,
    stir_at_grant TEXT,
    decided_by TEXT REFERENCES users(id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX licences_recruiter ON licences(recruiter_id, created_at);
CREATE INDEX licences_expiry ON licences(state, valid_to);

CREATE TABLE licence_events (
    id TEXT PRIMARY KEY,
    licence_id TEXT NOT NULL REFERENCES licences(id),
    recruiter_id TEXT NOT NULL REFERENCES recruiters(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX licence_events_recruiter ON licence_events(recruiter_id, at);

-- How often the public check was used, per day and outcome; never who asked.
CREATE TABLE public_check_stats (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    lookups BIGINT NOT NULL,
    PRIMARY KEY (day, kind, outcome)
);
