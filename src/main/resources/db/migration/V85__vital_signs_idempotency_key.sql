-- A set of vital signs sent again with its Idempotency-Key (the nurse's "Enregistrer" after an
-- answer lost on a weak link) is answered with the set recorded the first time, never recorded
-- twice in the health record. The key is the nurse's: one set per key and nurse; the fingerprint is
-- a hash of the request (the item and the measures), to refuse another set sent under the same key.
ALTER TABLE vital_signs ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint bytea;
CREATE UNIQUE INDEX vital_signs_idempotency_key ON vital_signs (recorded_by, idempotency_key);
