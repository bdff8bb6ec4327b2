-- The messages of one appointment on one channel are claimed one at a time, oldest first (MailStore.claimDueMails: none
-- while an older one is due or being sent), and a change is told from what the last one sent there told (heardOf): both
-- look up an appointment's messages on a channel, at every claim. Without this index each look read the whole queue.
-- IF NOT EXISTS: on a big queue an operator builds it CONCURRENTLY before the upgrade (operations.md).
CREATE INDEX IF NOT EXISTS visio_mail_of_appointment ON visio_mail (appointment_id, channel);
