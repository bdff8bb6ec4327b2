-- A lost answer is given again as often as the line drops (V105 gave it once): every send of a token commits a key
-- (answer_key: now the latest one committed), a send again reveals its secret and commits the next.
-- issued_again_at: when this token was issued by a lost answer given again, what the bound of such answers per person
-- counts, since a token answered again several times keeps only its latest answer's time (answered_again_at).
ALTER TABLE refresh_token ADD COLUMN issued_again_at timestamptz;
UPDATE refresh_token n SET issued_again_at = t.answered_again_at
FROM refresh_token t WHERE t.replaced_by = n.id AND t.answered_again_at IS NOT NULL;
