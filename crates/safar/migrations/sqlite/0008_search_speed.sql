-- Name search reads one posting list (the rarest query word's) and must know, for each
-- person on it, which other name words they carry. Each posting now holds all of its
-- person's name words (' aziz karimov alisherovich '), so a search checks them on the row
-- it already reads, in an index of its own, instead of looking each person up again.
ALTER TABLE person_name_keys ADD COLUMN names TEXT NOT NULL DEFAULT '';
UPDATE person_name_keys SET names = (
    SELECT ' ' || group_concat(k.name_key, ' ') || ' ' FROM person_name_keys k
    WHERE k.person_id = person_name_keys.person_id
);
CREATE INDEX person_name_keys_names ON person_name_keys(name_key, person_id, names);
