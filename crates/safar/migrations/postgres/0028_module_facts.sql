-- Analytics of the other modules (cases, events, returnees, courses, grants, complaints,
-- placements, PDO coverage, reports): totals by subject, month,
-- region and up to three subject-specific keys (analytics/facts.rs names them), and the
-- entries each record contributed, so any change to a record moves exactly its own share.

CREATE TABLE module_facts (
    subject TEXT NOT NULL,
    month TEXT NOT NULL,
    region TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    c TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (subject, month, region, a, b, c)
);

CREATE TABLE fact_entries (
    source TEXT NOT NULL,
    record_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    month TEXT NOT NULL,
    region TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    c TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount BIGINT NOT NULL
);
CREATE INDEX fact_entries_record ON fact_entries(source, record_id);
