-- A screen's pairing sent again with its Idempotency-Key, its answer lost on a weak link: the
-- code is spent by then, and the screen was told "this code pairs no screen". The pairing keeps
-- the SHA-256 of its code and key together (never either alone: the key is the screen's page's,
-- 128 random bits, so the hash gives neither back), for the code's life after the pairing; the
-- same code and key sent again within it pair the same screen once more, with a new device token
-- in place of the one lost (only hashes are kept: the first cannot be answered again). Revoked,
-- it goes with the other hashes.
ALTER TABLE visio_kiosk ADD COLUMN pair_key_hash bytea;
