-- The work on a case besides its steps: partner organisations and the referrals sent to
-- them (with the updates both sides write), notes (internal, or public for the family),
-- break-the-glass access by staff outside the case's scope, and family members following a
-- case with the migrant's consent.

CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- consulate, agency_office, iom, ngo_shelter, ministry, legal_aid
    kind TEXT NOT NULL,
    -- Where the partner works: ISO 3166-1 alpha-2 ('UZ' for those at home).
    country_iso2 TEXT NOT NULL,
    contact TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX partners_name ON partners(name);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    -- sent, accepted, declined, done
    status TEXT NOT NULL,
    -- What the partner is asked to do: the only case text the partner sees.
    request TEXT NOT NULL,
    -- 1 when the person consented to sharing their name and phone with this partner.
    identity_shared BIGINT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_partner ON referrals(partner_id, status, created_at);
CREATE INDEX referrals_case ON referrals(case_id, created_at);

CREATE TABLE referral_updates (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    -- sent, accept, decline, update, done
    action TEXT NOT NULL,
    -- agency or partner
    side TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX referral_updates_referral ON referral_updates(referral_id, at);

CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    -- internal (staff only) or public (also the family following the case)
    visibility TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, at);

-- Break-the-glass: a member of staff outside the case's scope opened it, with a reason,
-- for three hours.
CREATE TABLE case_access_grants (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    region_iso TEXT NOT NULL,
    reason TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX case_access_grants_user ON case_access_grants(user_id, case_id, expires_at);
CREATE INDEX case_access_grants_time ON case_access_grants(granted_at);

-- A family member's citizen account following a case: status and public notes only.
CREATE TABLE case_followers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    relation TEXT NOT NULL,
    -- migrant (granted from their own account) or operator (with the consent recorded)
    granted_via TEXT NOT NULL,
    granted_by TEXT,
    granted_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX case_followers_user ON case_followers(user_id, revoked_at);
CREATE INDEX case_followers_case ON case_followers(case_id);

-- The queues read open cases only, due first. At national scale nearly every case is
-- resolved or closed, so the queue indexes hold only the open ones (partial indexes; the
-- queries repeat the same predicate so both engines use them), ending in id so that
-- `ORDER BY due_at, id LIMIT n` reads the first n entries and sorts nothing.
DROP INDEX cases_queue;
DROP INDEX cases_region;
CREATE INDEX cases_open_due ON cases(due_at, id) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX cases_open_region ON cases(region_iso, due_at, id) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX cases_open_mine ON cases(assigned_to, due_at, id) WHERE status NOT IN ('resolved', 'closed');
-- The SLA job's look-up: open cases not yet escalated.
CREATE INDEX cases_unescalated ON cases(due_at, id) WHERE breached_at IS NULL AND status NOT IN ('resolved', 'closed');
-- The supervisors' alert list.
CREATE INDEX cases_alerts ON cases(due_at, id) WHERE (supervisor_alerted_at IS NOT NULL OR breached_at IS NOT NULL) AND status NOT IN ('resolved', 'closed');

-- Files on a case (a contract, a photo of a pay slip): type recognised from the content,
-- at most 5 MB each.
CREATE TABLE case_attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    -- The name as uploaded (shown only; downloads use a safe generated name).
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id, at);

-- What a case is about besides the person: a recruiter (by id), a vacancy (by reference),
-- a complaint (by id); the licence cascade links its vacancy itself.
CREATE TABLE case_links (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    -- recruiter, vacancy, complaint
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    -- What to show: the recruiter's name, the vacancy's reference …
    label TEXT NOT NULL,
    created_by TEXT,
    at BIGINT NOT NULL
);
CREATE UNIQUE INDEX case_links_key ON case_links(case_id, kind, target);
CREATE INDEX case_links_target ON case_links(kind, target);
