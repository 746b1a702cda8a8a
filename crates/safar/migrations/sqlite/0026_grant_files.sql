-- Files of a grant application: the applicant's attachments (quotes, licences, photos of
-- the premises — PDF or image) and the photos an officer takes at a monitoring visit.
-- Types are recognised from the content, never from the name.
CREATE TABLE grant_files (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES grant_applications(id),
    -- attachment, visit_photo
    kind TEXT NOT NULL,
    -- 6 or 12 for a visit photo
    visit_month BIGINT,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX grant_files_application ON grant_files(application_id, created_at);
