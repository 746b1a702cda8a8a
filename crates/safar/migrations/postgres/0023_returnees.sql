-- Returnees: the intake after a return (linked to the return journey), the needs assessment
-- across economic, social and psychosocial dimensions, the service plan (each service a
-- referral with a provider, status and outcome) and follow-ups on the officer's queue.

CREATE TABLE returnee_intakes (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    -- the person's region and district at intake: the officer's scope
    region_iso TEXT NOT NULL,
    district TEXT NOT NULL,
    return_journey_id TEXT REFERENCES journeys(id),
    -- open, closed
    status TEXT NOT NULL,
    -- the assessment as JSON (see reintegration::intake::Assessment)
    assessment TEXT NOT NULL,
    -- the distress screen's total (0–15) and whether it flagged a high risk
    distress_score BIGINT NOT NULL,
    high_risk BIGINT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX returnee_intakes_person ON returnee_intakes(person_id, created_at);
CREATE INDEX returnee_intakes_region ON returnee_intakes(region_iso, status);

CREATE TABLE returnee_services (
    id TEXT PRIMARY KEY,
    intake_id TEXT NOT NULL REFERENCES returnee_intakes(id),
    -- RS-CM, RS-SKR, RS-TRN, RS-JOB, RS-BIZ, RS-FIN, RS-LEG, RS-PSS, RS-MED, RS-HOU, RS-FAM,
    -- RS-DOC, RS-RET, RS-COM
    service TEXT NOT NULL,
    provider TEXT NOT NULL,
    -- planned, referred, in_progress, done, declined
    status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX returnee_services_intake ON returnee_services(intake_id, created_at);

CREATE TABLE returnee_followups (
    id TEXT PRIMARY KEY,
    intake_id TEXT NOT NULL REFERENCES returnee_intakes(id),
    region_iso TEXT NOT NULL,
    due_on TEXT NOT NULL,
    note TEXT NOT NULL,
    done_at BIGINT,
    done_note TEXT NOT NULL,
    done_by TEXT,
    created_at BIGINT NOT NULL
);
-- The queue: follow-ups not done, by region and date.
CREATE INDEX returnee_followups_queue ON returnee_followups(region_iso, due_on) WHERE done_at IS NULL;
