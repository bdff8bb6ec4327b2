-- A file's chunks are written before the short transaction that adds it to its item (issue 10:
-- a writing transaction held open holds every node's event delivery back, and 40 chunks of a
-- 10 MB file took that long inside the item's lock). Until that transaction the row has no
-- position: no read, list or limit sees it. A failed upload deletes its row (and chunks); one left
-- behind by a crash is purged by a job after an hour.
ALTER TABLE care_file ALTER COLUMN position DROP NOT NULL;
CREATE INDEX care_file_staged ON care_file (added_at) WHERE position IS NULL;
