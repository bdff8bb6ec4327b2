-- The transactional outbox. Every state change writes its rows and one event row in the
-- same transaction; every node LISTENs on channel 'cantou_event' and pushes each event to
-- its WebSocket clients whose rights allow it (the audience columns say who may see it).
CREATE TABLE event (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL,
  data            jsonb NOT NULL,
  -- Audience: who may receive this event. Any match suffices.
  organisation_ids uuid[] NOT NULL DEFAULT '{}',   -- every member of these organisations
  user_ids        uuid[] NOT NULL DEFAULT '{}',    -- these users
  specialties     text[] NOT NULL DEFAULT '{}',    -- doctors with one of these specialties
  appointment_id  uuid,                            -- the holder of this appointment's manage token
  roles           text[] NOT NULL DEFAULT '{}',    -- every user of these roles (e.g. admin)
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_created_at ON event (created_at);
