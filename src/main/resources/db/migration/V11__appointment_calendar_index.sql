-- The slots of a service read every agent's booked periods over a month: a partial index that
-- holds exactly what that read needs (and lets it skip the table once pages are all-visible).
CREATE INDEX appointment_agent_calendar ON appointment (agent_id, starts_at) INCLUDE (blocked_until, id)
  WHERE status IN ('booked', 'in_call');
