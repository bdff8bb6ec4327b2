-- A citizen's manage link can be renewed: the appointment's token version goes up, every link
-- of an earlier version stops working, and the new link is mailed to the citizen.
ALTER TABLE appointment ADD COLUMN manage_token_version integer NOT NULL DEFAULT 0;
ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_kind_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_kind_check
  CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_1h', 'cancellation', 'change', 'new_link'));
