-- A refresh whose answer was lost on the way (the page left while it travelled, the link dropped after the server had
-- rotated the token) is answered again to the page that asked, and to no one else: the page sends, with its first
-- use of a token, the SHA-256 of a secret it keeps in its tab (answer_key); only a resend that reveals that secret is
-- answered again, once. A copied request body holds the key's hash, never the secret.
ALTER TABLE refresh_token ADD COLUMN answer_key bytea;
-- The token the use of this one issued: answered again only while that one was never used (the page did not go on).
ALTER TABLE refresh_token ADD COLUMN replaced_by uuid;
-- When the lost answer was given again (into a new session, the lost one ended): never a second time.
ALTER TABLE refresh_token ADD COLUMN answered_again_at timestamptz;
