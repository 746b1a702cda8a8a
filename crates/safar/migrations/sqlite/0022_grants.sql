-- Small-business grants for returnees: calls with eligibility rules and a scoring rubric,
-- applications from returnees' accounts, committee review (conflicts of interest, blind
-- scores), the ranking and awards within the budget, tranches, and monitoring visits.
-- Sums are whole Uzbek so'm.

CREATE TABLE grant_calls (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    currency TEXT NOT NULL,
    budget BIGINT NOT NULL,
    max_award BIGINT NOT NULL,
    -- Eligibility: 0 = no such rule; regions space-separated, empty = everywhere.
    returned_within_months BIGINT NOT NULL,
    regions TEXT NOT NULL,
    min_age BIGINT NOT NULL,
    max_age BIGINT NOT NULL,
    no_prior_award BIGINT NOT NULL,
    -- The lowest mean weighted score (thousandths of a point, 0–5000) that can be awarded.
    pass_mark BIGINT NOT NULL,
    reviewers_per_application BIGINT NOT NULL,
    first_tranche_percent BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    -- open, review, decided
    status TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE grant_criteria (
    call_id TEXT NOT NULL REFERENCES grant_calls(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- percent; a call's weights add up to 100
    weight BIGINT NOT NULL,
    PRIMARY KEY (call_id, position)
);

-- The committee of a call: the reviewers its applications are shared among.
CREATE TABLE grant_committee (
    call_id TEXT NOT NULL REFERENCES grant_calls(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (call_id, user_id)
);

CREATE TABLE grant_applications (
    id TEXT PRIMARY KEY,
    call_id TEXT NOT NULL REFERENCES grant_calls(id),
    person_id TEXT NOT NULL REFERENCES persons(id),
    -- submitted, eligible, ineligible, in_review, scored, awarded, declined, disbursing,
    -- monitoring, completed, cancelled
    status TEXT NOT NULL,
    activity TEXT NOT NULL,
    sector_isco TEXT NOT NULL,
    region_iso TEXT NOT NULL,
    district TEXT NOT NULL,
    location TEXT NOT NULL,
    plan TEXT NOT NULL,
    costs BIGINT NOT NULL,
    own_contribution BIGINT NOT NULL,
    requested BIGINT NOT NULL,
    jobs_expected BIGINT NOT NULL,
    -- the applicant's gender, kept for the outcome figures by gender
    gender TEXT NOT NULL,
    -- JSON list of {rule, passed, detail}: the automatic check at submission
    eligibility TEXT NOT NULL,
    override_reason TEXT NOT NULL,
    mean_score BIGINT,
    rank_position BIGINT,
    awarded BIGINT NOT NULL,
    decision_reason TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX grant_applications_call ON grant_applications(call_id, status);
CREATE INDEX grant_applications_person ON grant_applications(person_id, status);
CREATE UNIQUE INDEX grant_applications_once ON grant_applications(call_id, person_id);

CREATE TABLE grant_reviews (
    application_id TEXT NOT NULL REFERENCES grant_applications(id),
    reviewer_id TEXT NOT NULL REFERENCES users(id),
    -- assigned, conflict, submitted
    status TEXT NOT NULL,
    -- JSON list of scores 0–5, one per criterion in position order
    scores TEXT NOT NULL,
    -- the weighted score in thousandths of a point (0–5000)
    weighted BIGINT,
    comment TEXT NOT NULL,
    conflict_note TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, reviewer_id)
);
CREATE INDEX grant_reviews_reviewer ON grant_reviews(reviewer_id, status);

CREATE TABLE grant_tranches (
    application_id TEXT NOT NULL REFERENCES grant_applications(id),
    number BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    -- pending, released
    status TEXT NOT NULL,
    released_at BIGINT,
    released_by TEXT,
    PRIMARY KEY (application_id, number)
);

CREATE TABLE grant_visits (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES grant_applications(id),
    -- 6 or 12: months after the award
    month BIGINT NOT NULL,
    visited_on TEXT NOT NULL,
    operating BIGINT NOT NULL,
    jobs_created BIGINT NOT NULL,
    -- none, under_5m, 5m_20m, 20m_50m, over_50m (monthly revenue, so'm)
    revenue_band TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX grant_visits_once ON grant_visits(application_id, month);
