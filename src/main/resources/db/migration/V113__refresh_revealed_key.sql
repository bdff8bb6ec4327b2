-- revealed_key: the SHA-256 of the newest secret revealed with the token (V112's chain leads from it to every earlier
-- key), by which a send of her page overtaken by a later one (its key's secret already revealed) is refused without
-- ending her session, where a copy of a spent token would end it.
ALTER TABLE refresh_token ADD COLUMN revealed_key bytea;
