-- A place on a waiting list asked again with its Idempotency-Key (the page's retry after an answer
-- lost on a weak link) is answered with the place the first request made and its secret: before,
-- the retry met "already on this service's waiting list" and she stayed in line without her link.
-- The key is scoped like a booking's (the account's id, or "anonymous"); the fingerprint is a hash
-- of the request. Both go when the place closes, with everything else about her.
ALTER TABLE visio_waiting ADD COLUMN idempotency_key text UNIQUE, ADD COLUMN idempotency_fingerprint bytea;
ALTER TABLE visio_waiting DROP CONSTRAINT visio_waiting_closed_keeps_nothing;
ALTER TABLE visio_waiting ADD CONSTRAINT visio_waiting_closed_keeps_nothing CHECK (state IN ('waiting', 'offered')
  OR citizen_name IS NULL AND citizen_email IS NULL AND citizen_phone IS NULL AND contact_key IS NULL AND ended_at IS NOT NULL
     AND idempotency_key IS NULL AND idempotency_fingerprint IS NULL);
