-- A move is told with the date she last heard of, not only the new one: "déplacé du mardi 1er à
-- 10 h au jeudi 3 à 14 h" is what an elderly citizen (or the mediator who booked beside her, whose
-- printed convocation bears the old date) recognises. Set on change messages only; a change not yet
-- sent when the appointment moves again is replaced by one message carrying the first old date.
ALTER TABLE visio_mail ADD COLUMN previous_start timestamptz;
