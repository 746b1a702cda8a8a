-- Complaints against licensed recruiters: a type from the taxonomy, a 30-day deadline, the
-- investigation's finding and the sanction, which moves the licence when it is a suspension
-- or a revocation.

CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    recruiter_id TEXT NOT NULL REFERENCES recruiters(id),
    -- The complainant, when they are in the registry.
    person_id TEXT REFERENCES persons(id),
    type_code TEXT NOT NULL,
    description TEXT NOT NULL,
    -- received, investigating, substantiated, unsubstantiated, sanctioned, closed
    state TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    -- When the investigation reached its finding (for "median days to resolve").
    resolved_at BIGINT,
    -- warning, fine, suspension, revocation; empty until sanctioned.
    sanction TEXT NOT NULL DEFAULT '',
    fine_amount BIGINT,
    sanctioned_at BIGINT,
    created_by TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX complaints_recruiter ON complaints(recruiter_id, state);
CREATE INDEX complaints_open ON complaints(state, due_at);

CREATE TABLE complaint_events (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT NOT NULL,
    actor_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, at);
