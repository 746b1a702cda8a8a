-- The payments ledger: what workers paid, to whom and for what, with a receipt. A fee or
-- related cost paid for recruitment is flagged: the employer pays, never the worker.

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    -- The recruiter, when known (through the vacancy or the licence number given).
    recruiter_id TEXT REFERENCES recruiters(id),
    -- As the worker wrote it: the name or licence number they were given.
    paid_to TEXT NOT NULL,
    vacancy_id TEXT REFERENCES vacancies(id),
    -- recruitment_fee, visa, medical, training, travel, documents, other
    purpose TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    -- Set when the payment breaks the employer-pays principle.
    red_flag BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX payments_person ON payments(person_id, created_at);
CREATE INDEX payments_recruiter ON payments(recruiter_id, red_flag);

CREATE TABLE payment_receipts (
    payment_id TEXT PRIMARY KEY REFERENCES payments(id),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL
);
