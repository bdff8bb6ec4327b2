-- An invitation sent again with its Idempotency-Key (the nurse's "Envoyer l'invitation" after an
-- answer lost on a weak link) is answered with the guest the first made: never a second mail or SMS
-- to the guest, a second link, or one more of the call's few seats. The key is the inviter's: one
-- guest per key and inviter; the fingerprint is a hash of the request. invitation_sent: whether the
-- mail or SMS went (NULL while it goes), so that a retry answers what the first answered.
ALTER TABLE teleconsultation_guest ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint bytea,
  ADD COLUMN invitation_sent boolean;
CREATE UNIQUE INDEX teleconsultation_guest_idempotency_key ON teleconsultation_guest (invited_by, idempotency_key);
