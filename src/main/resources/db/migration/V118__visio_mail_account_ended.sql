-- The retention of a staff account's mails (MailStore.forgetAccountMails) looks, at every run of the jobs, for those that
-- ended (sent, or given up) before a time, a link's mail apart (it goes with its link, V117): an index on when each one
-- ended, of those rows only (a mail still to go has no end, and is never in its range), so the look never reads the
-- appointments' messages, nor the account's mails still kept.
-- IF NOT EXISTS: on a big queue an operator builds it CONCURRENTLY before the upgrade (operations.md).
CREATE INDEX IF NOT EXISTS visio_mail_account_ended ON visio_mail ((coalesce(sent_at, failed_at)))
  WHERE channel = 'account' AND password_link_id IS NULL;
