-- A screen's pairing key hash (V97) serves its retries for 15 minutes after the pairing; a job (kiosk_pairing_keys) now
-- clears it past them, in short statements: it was kept for ever. The live ones are few (screens paired in the last
-- minutes): the retry's look-up and the job's read both go through them alone, never through every screen.
CREATE INDEX visio_kiosk_pair_key ON visio_kiosk (pair_key_hash) WHERE pair_key_hash IS NOT NULL;
