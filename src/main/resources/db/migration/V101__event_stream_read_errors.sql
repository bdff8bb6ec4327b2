-- event_stream() (V99) left out a part it failed to read for any reason, not only one the server's role may not read:
-- a read of pg_control that failed for a moment (a torn read while the checkpointer writes it, on versions whose SQL
-- functions take no lock; an I/O error) gave the same database another stream for one read. Every node whose safety net
-- read it then judged its database another one (FollowedDatabase): every socket closed (1011), visio's slots dropped,
-- the events between its last dispatched and the newest never pushed live; and again at the next read, the stream back.
-- A part is now left out only when the server says it is not for this role (a managed service) or not in this state
-- (a standby in recovery has no current WAL position); any other error fails the read, which is tried again.
-- The value is the same as V99's wherever V99 read every part: no node sees its stream change by this migration.
CREATE OR REPLACE FUNCTION event_stream() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  cluster text := '';
  timeline text := '';
BEGIN
  BEGIN
    SELECT system_identifier::text INTO cluster FROM pg_control_system();
  EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR undefined_function THEN
    cluster := '';
  END;
  BEGIN
    -- A WAL file's name starts with the current timeline (8 hex digits); pg_control_checkpoint() would lag a promotion
    -- until the next checkpoint.
    timeline := substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8);
  EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR undefined_function
      OR object_not_in_prerequisite_state THEN
    timeline := '';
  END;
  RETURN substr(md5(cluster || '/' || timeline || '/'
      || (SELECT oid FROM pg_database WHERE datname = current_database())::text), 1, 16);
END $$;
