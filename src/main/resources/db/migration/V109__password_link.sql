-- A link that lets an account's owner choose a new password, mailed to the account's address (POST
-- /api/auth/password-reset): proof of the mailbox. The link's token is made by the mail job when it hands the mail
-- over, in memory, and goes only into the mail; the row keeps its SHA-256 (token_hash, NULL until then: a link whose
-- mail is not sent yet opens nothing), never the token. Used once (spent_at), void once a newer link is asked for or
-- the password is changed (voided_at), refused after expires_at. The rows of an hour count the links asked for an
-- account (at most three an hour).
CREATE TABLE password_link (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES app_user (id),
  token_hash  bytea,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  spent_at    timestamptz,
  voided_at   timestamptz,
  CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX password_link_token ON password_link (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX password_link_of_user ON password_link (user_id, created_at);
-- Its mail, on the account channel (V106), names the link; kind 'password_link'. Added NOT VALID as V106's: every row
-- already there meets them, and validating would read the whole queue under a lock that holds the bookings meanwhile.
ALTER TABLE visio_mail ADD COLUMN password_link_id uuid;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_password_link_id_fkey FOREIGN KEY (password_link_id)
  REFERENCES password_link (id) NOT VALID;
ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_kind_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_kind_check
  CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_1h', 'cancellation', 'change', 'new_link', 'offer')
         OR (channel = 'mediator' AND kind IN ('cancellation_by_her', 'change_by_her'))
         OR (channel = 'account' AND kind IN ('password_changed', 'password_link'))) NOT VALID;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_link_of_its_kind
  CHECK ((kind = 'password_link') = (password_link_id IS NOT NULL)) NOT VALID;
