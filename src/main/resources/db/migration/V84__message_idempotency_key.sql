-- A message sent again with its Idempotency-Key (a page whose answer was lost on a weak link,
-- "Réessayer") is answered with the message written the first time, never written twice in the
-- record. The key is its author's: one message per key and author; the fingerprint is a hash of
-- the request (the item and the text), to refuse another message sent under the same key.
ALTER TABLE teleconsultation_message ADD COLUMN idempotency_key text,
  ADD COLUMN idempotency_fingerprint bytea;
CREATE UNIQUE INDEX teleconsultation_message_idempotency_key ON teleconsultation_message (author_id, idempotency_key);
