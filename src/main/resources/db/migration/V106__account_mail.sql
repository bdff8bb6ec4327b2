-- The mails about a staff account go through the queue of messages on a channel of their own, 'account' (as the
-- mediator's went on 'mediator', V79): written in the transaction that changes the account, sent by the mail job with
-- its retries and its give-up. Such a row names the account (user_id), not an appointment, and keeps when the change
-- was made (changed_at: what the mail tells; due_at moves at each retry). The first kind: 'password_changed'.
-- Nodes of the previous version claim 'mail', 'mediator' and 'sms' rows only, and never write this channel: they leave
-- these rows to the new ones. The checks (and the key to the account) are added NOT VALID: every row already there
-- meets them (the old checks were stricter, appointment_id was NOT NULL, user_id is new and empty), and validating
-- would read the whole queue under the lock that holds the bookings' inserts meanwhile; the rows written from now on
-- are checked.
ALTER TABLE visio_mail ALTER COLUMN appointment_id DROP NOT NULL;
ALTER TABLE visio_mail ADD COLUMN user_id uuid;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id) NOT VALID;
ALTER TABLE visio_mail ADD COLUMN changed_at timestamptz;
ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_channel_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_channel_check CHECK (channel IN ('mail', 'sms', 'mediator', 'account')) NOT VALID;
ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_kind_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_kind_check
  CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_1h', 'cancellation', 'change', 'new_link', 'offer')
         OR (channel = 'mediator' AND kind IN ('cancellation_by_her', 'change_by_her'))
         OR (channel = 'account' AND kind = 'password_changed')) NOT VALID;
-- An appointment's message names its appointment; an account's names the account and when it changed.
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_of_one CHECK (CASE WHEN channel = 'account'
  THEN appointment_id IS NULL AND user_id IS NOT NULL AND changed_at IS NOT NULL
  ELSE appointment_id IS NOT NULL AND user_id IS NULL END) NOT VALID;
