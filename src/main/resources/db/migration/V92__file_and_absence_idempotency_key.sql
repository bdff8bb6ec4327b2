-- A photo or document sent again with its Idempotency-Key (the nurse's upload whose answer was lost
-- on a weak link) is answered with the item holding the file stored the first time, never a second
-- copy in the resident's record. The key is the nurse's: one file per key and nurse, set when the
-- staged file is added to its item (a staged file holds none); the fingerprint is a hash of the
-- request (the item, the name, the bytes received), to refuse another file sent under the same key.
ALTER TABLE care_file ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint bytea;
CREATE UNIQUE INDEX care_file_idempotency_key ON care_file (added_by, idempotency_key);

-- An absence (leave) or a closure sent again with its Idempotency-Key is answered with the calendar
-- (or the closure) the first made, never written twice (looked up by the key alone: it leads the index). The key is scoped by its sender (her
-- account's id, Idempotent.scoped); a closure writes it on each of its agents' rows.
ALTER TABLE visio_exception ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint bytea;
CREATE UNIQUE INDEX visio_exception_idempotency_key ON visio_exception (idempotency_key, agent_id);
