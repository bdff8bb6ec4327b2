-- Who on the citizen's side is in the waiting room: her own link, the mediator beside her, the
-- point's screen. Each takes out only itself: a mediator who joined from his desk and hung up no
-- longer takes her, still in the room from home, out of it (the agent saw her late). She waits
-- while one of them is in (citizen_waiting_at: since when).
ALTER TABLE appointment ADD COLUMN citizen_in_room text[] NOT NULL DEFAULT '{}'
  CHECK (citizen_in_room <@ ARRAY['citizen', 'mediator', 'screen']);
UPDATE appointment SET citizen_in_room = '{citizen}' WHERE citizen_waiting_at IS NOT NULL;
-- No CHECK tying the two: a node of the version before, during a rolling upgrade, still sets
-- citizen_waiting_at alone (operations.md, "Upgrades"); the last side leaving clears both.

-- The overseas departments' numbers are now sent under their own country code (PhoneNumbers):
-- "06 92 12 34 56" is +262 692 12 34 56, and "+262 692 12 34 56" is written "06 92 12 34 56".
-- Numbers stored before are written the new way, and the waiting list's contact keys (a hash of
-- the international form) made from them again, so that the same person is still one person.
CREATE FUNCTION pg_temp.overseas_code(digits text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN digits LIKE '063998%' THEN NULL ELSE CASE substr(digits, 1, 4)
    WHEN '0262' THEN '262' WHEN '0263' THEN '262' WHEN '0269' THEN '262' WHEN '0692' THEN '262'
    WHEN '0693' THEN '262' WHEN '0639' THEN '262' WHEN '0590' THEN '590' WHEN '0690' THEN '590'
    WHEN '0691' THEN '590' WHEN '0594' THEN '594' WHEN '0694' THEN '594' WHEN '0596' THEN '596'
    WHEN '0696' THEN '596' WHEN '0697' THEN '596' END END
$$;
-- "+262692123456" → "0692123456" when it is a number of that department, else NULL.
CREATE FUNCTION pg_temp.overseas_national(phone text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN phone ~ '^\+(262|590|594|596)[0-9]{9}$'
              AND pg_temp.overseas_code('0' || substr(phone, 5)) = substr(phone, 2, 3)
         THEN '0' || substr(phone, 5) END
$$;
CREATE FUNCTION pg_temp.written(digits text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(digits, 1, 2) || ' ' || substr(digits, 3, 2) || ' ' || substr(digits, 5, 2) || ' '
      || substr(digits, 7, 2) || ' ' || substr(digits, 9, 2)
$$;

UPDATE appointment SET citizen_phone = pg_temp.written(pg_temp.overseas_national(citizen_phone))
WHERE pg_temp.overseas_national(citizen_phone) IS NOT NULL;
UPDATE visio_waiting SET citizen_phone = pg_temp.written(pg_temp.overseas_national(citizen_phone))
WHERE pg_temp.overseas_national(citizen_phone) IS NOT NULL;

-- Keys of places held by phone alone (an e-mail, when given, makes the key). A person who held two
-- places under the two forms: the place whose new key the other already holds keeps its old one
-- (the unique index would refuse it, and the node would not start).
UPDATE visio_waiting w
SET contact_key = encode(sha256(convert_to('phone:+' || pg_temp.overseas_code(n.digits) || substr(n.digits, 2), 'UTF8')), 'hex')
FROM (SELECT id, replace(citizen_phone, ' ', '') AS digits FROM visio_waiting) n
WHERE n.id = w.id AND w.citizen_email IS NULL AND w.contact_key IS NOT NULL
  AND n.digits ~ '^0[0-9]{9}$' AND pg_temp.overseas_code(n.digits) IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM visio_waiting o
                  WHERE o.service_id = w.service_id AND o.id <> w.id AND o.state IN ('waiting', 'offered')
                    AND o.contact_key = encode(sha256(convert_to('phone:+' || pg_temp.overseas_code(n.digits)
                        || substr(n.digits, 2), 'UTF8')), 'hex'));
