-- Name search reads one posting list (the rarest query word's) and must know, for each
-- person on it, which other name words they carry. Each posting now holds all of its
-- person's name words (' aziz karimov alisherovich '), so a search checks them on the row
-- it already reads (an index-only scan) instead of looking each person up again.
ALTER TABLE person_name_keys ADD COLUMN names TEXT NOT NULL DEFAULT '';
UPDATE person_name_keys p SET names = s.names
FROM (
    SELECT person_id, ' ' || string_agg(name_key, ' ') || ' ' AS names
    FROM person_name_keys GROUP BY person_id
) s
WHERE s.person_id = p.person_id;
CREATE INDEX person_name_keys_names ON person_name_keys(name_key, person_id) INCLUDE (names);
