-- The retention of password links (PasswordLinkStore.purgeBatch) deletes each ended link's mail row with it, and the key
-- from visio_mail to password_link (V109) looks for the mails of every link deleted: without this index, each looked
-- through the whole queue. Partial: only an account's link mails name a link.
-- IF NOT EXISTS: on a big queue an operator builds it CONCURRENTLY before the upgrade (operations.md).
CREATE INDEX IF NOT EXISTS visio_mail_of_password_link ON visio_mail (password_link_id) WHERE password_link_id IS NOT NULL;
