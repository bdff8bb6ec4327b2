-- The start a message sent told its reader (null for messages that tell none, and for those sent
-- before it was kept). A change is told from the start she last heard of on that channel, which a
-- message being sent while the appointment moved again may have made the newest one: composed
-- from the appointment as it stood then, it already told her the last date, and the move queued
-- meanwhile has nothing left to say ("déplacé du jeudi au vendredi" about a Thursday she never
-- heard of). Likewise a move taken back before it was told.
ALTER TABLE visio_mail ADD COLUMN told_start timestamptz;
