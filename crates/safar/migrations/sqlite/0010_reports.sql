-- Reports on intermediaries from anyone (no account needed), grouped on a watch list by
-- folded name or phone; evidence files are kept with the report.

CREATE TABLE watch_entries (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    reports BIGINT NOT NULL,
    flagged_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX watch_entries_name ON watch_entries(name_key);

CREATE TABLE watch_words (
    word TEXT NOT NULL,
    watch_id TEXT NOT NULL REFERENCES watch_entries(id),
    PRIMARY KEY (word, watch_id)
);

CREATE TABLE intermediary_reports (
    id TEXT PRIMARY KEY,
    watch_id TEXT NOT NULL REFERENCES watch_entries(id),
    intermediary_name TEXT NOT NULL,
    social_handle TEXT NOT NULL,
    place TEXT NOT NULL,
    fee_asked BIGINT,
    fee_paid BIGINT,
    currency TEXT NOT NULL,
    promised TEXT NOT NULL,
    description TEXT NOT NULL,
    reporter_contact TEXT NOT NULL,
    reporter_user_id TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX intermediary_reports_watch ON intermediary_reports(watch_id, created_at);

CREATE TABLE report_phones (
    report_id TEXT NOT NULL REFERENCES intermediary_reports(id),
    phone TEXT NOT NULL,
    PRIMARY KEY (report_id, phone)
);
CREATE INDEX report_phones_phone ON report_phones(phone);

CREATE TABLE report_files (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES intermediary_reports(id),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX report_files_report ON report_files(report_id);
