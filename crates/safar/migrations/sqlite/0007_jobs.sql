-- Background jobs (bulk imports first): kept in the database so any server may run them and
-- a crashed worker's job is taken over when its lease runs out.

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    lease_owner TEXT,
    lease_until BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_state ON jobs(state, created_at);
CREATE INDEX jobs_kind ON jobs(kind, created_at);

CREATE TABLE job_files (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (job_id, name)
);
