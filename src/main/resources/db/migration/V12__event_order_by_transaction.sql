-- Events are ordered by the transaction that wrote them, not by an advisory lock that made
-- every event-writing transaction of every node commit one at a time.
--
-- An event's id is its position: (the writing transaction's id << 12) + its rank within that
-- transaction. Readers take only ids below (pg_snapshot_xmin(pg_current_snapshot()) << 12):
-- every transaction older than the oldest one still running has ended, so nothing can commit
-- later with a smaller id, and ids stay increasing in delivery order (the contract's promise)
-- while writers commit in parallel. See docs/realtime.md, "Order without a lock".
-- 4,096 events per transaction at most; ids stay exact in JavaScript up to 2^41 transactions.

CREATE FUNCTION event_position() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  base bigint := pg_current_xact_id()::text::bigint << 12;
  pos bigint;
BEGIN
  SELECT COALESCE(max(id) + 1, base) INTO pos FROM event WHERE id >= base AND id < base + 4096;
  IF pos >= base + 4096 THEN
    RAISE EXCEPTION 'one transaction may write at most 4096 events';
  END IF;
  RETURN pos;
END $$;

-- The ids written so far (under the old lock) are all smaller than any position from now on.
DO $$
BEGIN
  IF (SELECT COALESCE(max(id), 0) FROM event) >= pg_current_xact_id()::text::bigint << 12 THEN
    RAISE EXCEPTION 'existing event ids overlap the new positions';
  END IF;
END $$;

ALTER TABLE event ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE event_id_seq;
ALTER TABLE event ALTER COLUMN id SET DEFAULT event_position();

-- Events older than the retention are purged in small batches; a resume from before this
-- watermark gets a snapshot instead (some of what it missed is gone).
CREATE TABLE event_retention (
  only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  purged_through  bigint NOT NULL DEFAULT 0
);
INSERT INTO event_retention DEFAULT VALUES;
