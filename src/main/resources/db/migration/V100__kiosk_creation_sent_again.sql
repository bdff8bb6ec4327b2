-- A screen's creation (its pairing code made) sent again with its Idempotency-Key, its answer lost on a weak link:
-- a second screen and code were made, and the admin read a code while the list showed two screens. The screen keeps
-- the SHA-256 of who made it, its point, its name and the key together (never the key alone: it is the page's, 128
-- random bits); the same sent again answers the same screen, with a new code in place of the one lost (only hashes
-- are kept: the first cannot be shown again), while it is neither paired nor revoked. Pairing or revoking it clears
-- the hash; a job clears it a day after the creation, as the other creations' keys (admin_creation_key).
ALTER TABLE visio_kiosk ADD COLUMN create_key_hash bytea;
-- Two sends at once meet here: the second is answered as a retry of the first.
CREATE UNIQUE INDEX visio_kiosk_create_key ON visio_kiosk (create_key_hash) WHERE create_key_hash IS NOT NULL;
