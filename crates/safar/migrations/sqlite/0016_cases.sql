-- Call-centre cases: who called about whom, where the person is, the category and the
-- trafficking indicators, the priority and when the case is due, its lifecycle and outcome.

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    -- The person's home region at intake: staff scoped to a region see its cases.
    region_iso TEXT NOT NULL,
    category TEXT NOT NULL,
    subtype TEXT NOT NULL,
    channel TEXT NOT NULL,
    caller_role TEXT NOT NULL,
    country_iso2 TEXT NOT NULL,
    city TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- Space-separated ILO indicators and modifiers.
    indicators TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    suicide_risk BIGINT NOT NULL,
    priority TEXT NOT NULL,
    -- new, assigned, in_progress, referred, escalated, resolved, closed
    status TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    -- Set when a P1 case alerted the supervisors (at intake).
    supervisor_alerted_at BIGINT,
    assigned_to TEXT REFERENCES users(id),
    -- At closure: resolved_money, resolved_other, referred_out, unreachable, duplicate.
    outcome TEXT NOT NULL DEFAULT '',
    amount_recovered BIGINT,
    currency TEXT NOT NULL DEFAULT '',
    -- 1–5 when the caller was reached.
    satisfaction BIGINT,
    resolved_at BIGINT,
    -- Set by the SLA job when the case passed its due time while open (the supervisors see it).
    breached_at BIGINT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_queue ON cases(status, due_at);
CREATE INDEX cases_person ON cases(person_id, category, status);
CREATE INDEX cases_region ON cases(region_iso, status, due_at);

-- Every step of a case, with the note the operator wrote.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    actor_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, at);
