-- Opening a case lists the person's other open cases in the same category (the duplicate
-- warning). The older index found them but read every case row for its status and time;
-- this one answers from the index alone, already in order.
CREATE INDEX cases_open_person ON cases(person_id, category, created_at, id)
    WHERE status NOT IN ('resolved', 'closed');
