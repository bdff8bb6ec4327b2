-- The messages of one appointment on one channel are claimed one at a time, oldest first (MailStore.claimDueMails: none
-- while an older one is due or being sent), and a change is told from what the last one sent there told (heardOf): both
-- look up an appointment's messages on a channel, at every claim. Without this index each look read the whole queue.
CREATE INDEX visio_mail_of_appointment ON visio_mail (appointment_id, channel);
