-- An Idempotency-Key answers the same booking again only to the caller who made it (her
-- account, or "anonymous"), and only for the same request: the key is stored with its scope
-- ("<user id>|<key>" or "anonymous|<key>"), and a fingerprint (SHA-256) of the request is kept
-- beside it; a different request with the same key gets 422. Keys written before carry no
-- fingerprint: a replay of one is refused.
ALTER TABLE appointment ADD COLUMN idempotency_fingerprint bytea;
UPDATE appointment SET idempotency_key = COALESCE(booked_by::text, 'anonymous') || '|' || idempotency_key
WHERE idempotency_key IS NOT NULL;
