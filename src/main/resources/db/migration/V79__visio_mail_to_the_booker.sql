-- A mediator books beside someone with neither phone nor e-mail (V77): when an agent cancels or moves that
-- appointment, the mediator who booked it is the only way she hears of it. Such a message is a row of the
-- same queue on a channel of its own, 'mediator', sent to his address when due. Nodes of the previous version
-- claim 'mail' and 'sms' rows only, and never write this channel: they leave these rows to the new ones.
ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_channel_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_channel_check CHECK (channel IN ('mail', 'sms', 'mediator'));
