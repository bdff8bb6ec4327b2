-- The announced queue exactly as an item's place counts it (TeleconsultStore.SELECT_ONE): the
-- items ahead are one range of this index per urgency, counted from the index alone (an
-- index-only scan where the visibility map allows) instead of a fetch of every queued row.
CREATE INDEX teleconsultation_waiting ON teleconsultation (specialty, urgency, queued_at, id)
  WHERE status = 'queued' AND announced_at IS NOT NULL;
