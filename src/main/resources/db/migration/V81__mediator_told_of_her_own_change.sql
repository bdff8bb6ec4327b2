-- The mediator who booked beside someone with neither phone nor e-mail is told also when she herself cancels or
-- moves that appointment with her convocation's link (he was to be at her side at the old time): kinds of their own,
-- on his channel only. During a rolling upgrade a node of the previous version that claims such a row cannot write
-- it: it fails that attempt and leaves the row to be tried again later, by a node of this version.
ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_kind_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_kind_check
  CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_1h', 'cancellation', 'change', 'new_link', 'offer')
         OR (channel = 'mediator' AND kind IN ('cancellation_by_her', 'change_by_her')));
