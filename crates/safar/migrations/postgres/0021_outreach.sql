-- Awareness events in the regions: planned, held, reported with attendance by gender and
-- age band, materials given, partner organisations and photos. No person is recorded:
-- attendance is counted, never listed.

CREATE TABLE outreach_events (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    -- mahalla_meeting, school_session, job_fair, media, online
    kind TEXT NOT NULL,
    -- space-separated codes: safe_migration fraud pdo legal_channels financial_literacy
    topics TEXT NOT NULL,
    region_iso TEXT NOT NULL REFERENCES regions(iso),
    -- SOATO code of the district, or empty
    district TEXT NOT NULL,
    -- the mahalla, school or venue (free text; the channel or site for media and online)
    place TEXT NOT NULL,
    -- planned, held, reported, cancelled
    status TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    held_on TEXT,
    materials TEXT NOT NULL,
    materials_count BIGINT NOT NULL,
    partners TEXT NOT NULL,
    summary TEXT NOT NULL,
    cancel_reason TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outreach_events_region ON outreach_events(region_iso, status, planned_on);
CREATE INDEX outreach_events_held ON outreach_events(held_on, region_iso) WHERE held_on IS NOT NULL;

-- Attendance of a reported event: one row per gender and age band.
CREATE TABLE outreach_attendance (
    event_id TEXT NOT NULL REFERENCES outreach_events(id),
    -- female, male
    gender TEXT NOT NULL,
    -- under_18, 18_29, 30_44, 45_plus
    age_band TEXT NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (event_id, gender, age_band)
);

CREATE TABLE outreach_photos (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES outreach_events(id),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX outreach_photos_event ON outreach_photos(event_id, created_at);
