-- The attempt (a random id the page keeps in its tab before sending) a refresh token was used with, as its SHA-256:
-- the same attempt sent again, its answer lost (the page left, the link dropped), is answered again instead of read
-- as a stolen token. Null for uses before it, and for pages that send none.
ALTER TABLE refresh_token ADD COLUMN used_by_attempt bytea;
-- When the token of an answer that was lost was replaced by the answer given again: it was never received by the page,
-- so whoever presents it has it from elsewhere (the session ends). Not a revocation: the session goes on.
ALTER TABLE refresh_token ADD COLUMN superseded_at timestamptz;
