-- Text messages (SMS) beside the mails: a citizen who gave a phone number is told by SMS (the
-- confirmation, a change, the reminders, a cancellation, a new manage link), through the same
-- queue as the mails, claimed once across nodes. Each row goes by one channel. A message that
-- failed every attempt is marked failed_at (logged, never retried again).
ALTER TABLE visio_mail ADD COLUMN channel text NOT NULL DEFAULT 'mail' CHECK (channel IN ('mail', 'sms'));
ALTER TABLE visio_mail ADD COLUMN failed_at timestamptz;
DROP INDEX visio_mail_due;
CREATE INDEX visio_mail_due ON visio_mail (channel, due_at) WHERE sent_at IS NULL AND failed_at IS NULL;
