-- The identity of the outbox's stream of ids (docs/realtime.md, "Resume"): an event id means something only in the
-- database that gave it. A page resuming with `since` from another database (an asynchronous replica promoted after a
-- failover, a point-in-time or dump restore, a database replaced under running pages) would be replayed the events
-- after that id there: events it never had below it, or others under the ids it had. So the welcome names the stream
-- and a hello naming another one gets a snapshot.
--
-- What changes with the database's history, not a row (a row is copied by the replica and by the dump alike):
-- the cluster's system identifier (initdb: another server, a dump restored there, a major upgrade), its timeline
-- (every promotion and every point-in-time recovery starts a new one), and the database's oid (the same server, a
-- database dropped and restored). Hashed: clients keep an opaque word. Each part the server's role may not read (a
-- managed service may refuse one) is left out, not failed: the identity is weaker there, never in the way.
CREATE FUNCTION event_stream() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  cluster text := '';
  timeline text := '';
BEGIN
  BEGIN
    SELECT system_identifier::text INTO cluster FROM pg_control_system();
  EXCEPTION WHEN OTHERS THEN
    cluster := '';
  END;
  BEGIN
    -- A WAL file's name starts with the current timeline (8 hex digits); pg_control_checkpoint() would lag a promotion
    -- until the next checkpoint.
    timeline := substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8);
  EXCEPTION WHEN OTHERS THEN
    timeline := '';
  END;
  RETURN substr(md5(cluster || '/' || timeline || '/'
      || (SELECT oid FROM pg_database WHERE datname = current_database())::text), 1, 16);
END $$;
