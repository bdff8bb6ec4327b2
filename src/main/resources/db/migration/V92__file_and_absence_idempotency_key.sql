-- A photo or document sent again with its Idempotency-Key (the nurse's upload whose answer was lost
-- on a weak link) is answered with the item holding the file stored the first time, never a second
-- copy in the resident's record. The key is the nurse's: one file per key and nurse, set when the
-- staged file is added to its item (a staged file holds none); the fingerprint is a hash of the
-- request (the item, the name, the bytes received), to refuse another file sent under the same key.
ALTER TABLE care_file ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint bytea;
CREATE UNIQUE INDEX care_file_idempotency_key ON care_file (added_by, idempotency_key);
