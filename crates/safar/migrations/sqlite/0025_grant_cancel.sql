-- An award may be cancelled while it is paid out or monitored (the business closed, the
-- money was misused, the returnee withdrew); the officer's reason is kept for the
-- applicant to read.
ALTER TABLE grant_applications ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
