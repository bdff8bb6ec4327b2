-- Events no longer go to every member of an organisation: a maison de santé has nurses and
-- doctors, and a doctor must not receive what only the nurses may read. The scope becomes
-- "the users of this role in this organisation", kept as '<organisation id>/<role>'.
ALTER TABLE event ADD COLUMN organisation_roles text[] NOT NULL DEFAULT '{}';

-- Events written before: their organisations were care homes (nurses) or administrations
-- (agents), the only members who were meant to see them.
UPDATE event SET organisation_roles = ARRAY(
    SELECT o::text || '/' || r FROM unnest(organisation_ids) AS o, unnest(ARRAY['nurse', 'agent']) AS r)
  WHERE cardinality(organisation_ids) > 0;

ALTER TABLE event DROP COLUMN organisation_ids;

-- Users excluded whatever the other scopes say: the doctor who took an item is in the pool
-- that gets its summary, but must get only the whole item.
ALTER TABLE event ADD COLUMN except_user_ids uuid[] NOT NULL DEFAULT '{}';

-- Teleconsultations pushed on a WebSocket are health data read, audited like an HTTP read.
ALTER TABLE health_data_access DROP CONSTRAINT health_data_access_action_check;
ALTER TABLE health_data_access ADD CONSTRAINT health_data_access_action_check
  CHECK (action IN ('list', 'read', 'join', 'timeline', 'push'));
