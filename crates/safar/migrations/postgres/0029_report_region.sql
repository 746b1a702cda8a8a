-- The region where an intermediary approached the reporter (ISO 3166-2), when they say:
-- watch-list reports by region in the analytics. Empty for reports made before.
ALTER TABLE intermediary_reports ADD COLUMN region_iso TEXT NOT NULL DEFAULT '';
