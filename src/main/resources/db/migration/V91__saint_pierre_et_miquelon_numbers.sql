-- Saint-Pierre-et-Miquelon's numbers are now sent under their own country code (PhoneNumbers):
-- "05 08 55 12 34" is +508 55 12 34 (it was sent to +33 5 08 55 12 34: nobody's), and
-- "+508 55 12 34" (or "+508 0 55 12 34", kept with its 0 before) is written "05 08 55 12 34". Numbers stored before are written the new way, and
-- the waiting list's contact keys (a hash of the international form) made from them again, so
-- that the same person is still one person (as V78 did for the overseas departments).
UPDATE appointment
SET citizen_phone = '05 08 ' || substr(right(citizen_phone, 6), 1, 2) || ' ' || substr(right(citizen_phone, 6), 3, 2) || ' ' || substr(right(citizen_phone, 6), 5, 2)
WHERE citizen_phone ~ '^\+5080?[0-9]{6}$';
UPDATE visio_waiting
SET citizen_phone = '05 08 ' || substr(right(citizen_phone, 6), 1, 2) || ' ' || substr(right(citizen_phone, 6), 3, 2) || ' ' || substr(right(citizen_phone, 6), 5, 2)
WHERE citizen_phone ~ '^\+5080?[0-9]{6}$';

-- Keys of places held by phone alone, made from "+33508…" before: made from "+508…" now. A person
-- who held two places under the two forms: the place whose new key the other already holds keeps
-- its old one (the unique index would refuse it, and the node would not start).
UPDATE visio_waiting w
SET contact_key = encode(sha256(convert_to('phone:+508' || substr(n.digits, 5), 'UTF8')), 'hex')
FROM (SELECT id, replace(citizen_phone, ' ', '') AS digits FROM visio_waiting) n
WHERE n.id = w.id AND w.citizen_email IS NULL AND w.contact_key IS NOT NULL AND n.digits ~ '^0508[0-9]{6}$'
  AND NOT EXISTS (SELECT 1 FROM visio_waiting o
                  WHERE o.service_id = w.service_id AND o.id <> w.id AND o.state IN ('waiting', 'offered')
                    AND o.contact_key = encode(sha256(convert_to('phone:+508' || substr(n.digits, 5), 'UTF8')), 'hex'));
