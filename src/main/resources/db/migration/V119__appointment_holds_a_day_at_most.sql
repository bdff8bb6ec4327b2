-- An appointment holds its agent (start to the end of its buffer) for a day at most: services last 4 hours at most
-- and buffers 2 hours (V10). Said by the database, so that the calendars' reads can start their scan a day before the
-- window they read (CalendarStore): without it, the read of one day scanned every earlier appointment of the agent
-- still open, and appointments nobody closed ("Terminé", "Absent") stay open for ever.
-- NOT VALID here, validated by V120 in a transaction of its own: adding takes a lock that stops every read and write
-- of appointment until its transaction ends, validating one that lets them go on (docs/operations.md, Upgrades).
ALTER TABLE appointment ADD CONSTRAINT appointment_holds_a_day_at_most
  CHECK (blocked_until - starts_at <= interval '24 hours') NOT VALID;
