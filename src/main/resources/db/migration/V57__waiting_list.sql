-- The waiting list of a service (issue 15, item 2). When a slot frees up, the first person in
-- line is offered it: the slot is held for her as an appointment in state 'offered', under the
-- same exclusion constraints as booked ones, so nobody else (no booking, no other offer) can
-- take it meanwhile; taking the offer turns it into a booked appointment, declining or letting
-- it expire deletes it.

ALTER TABLE appointment DROP CONSTRAINT appointment_status_check;
ALTER TABLE appointment ADD CONSTRAINT appointment_status_check
  CHECK (status IN ('offered', 'booked', 'in_call', 'completed', 'cancelled', 'no_show'));

ALTER TABLE appointment DROP CONSTRAINT appointment_agent_free;
ALTER TABLE appointment ADD CONSTRAINT appointment_agent_free EXCLUDE USING gist (agent_id WITH =, agent_period WITH &&)
  WHERE (status IN ('offered', 'booked', 'in_call'));
ALTER TABLE appointment DROP CONSTRAINT appointment_point_free;
ALTER TABLE appointment ADD CONSTRAINT appointment_point_free EXCLUDE USING gist (point_id WITH =, period WITH &&)
  WHERE (status IN ('offered', 'booked', 'in_call') AND point_id IS NOT NULL);

-- The slots' read of the agents' taken periods now counts held offers too (V11's index, widened).
DROP INDEX appointment_agent_calendar;
CREATE INDEX appointment_agent_calendar ON appointment (agent_id, starts_at) INCLUDE (blocked_until, id)
  WHERE status IN ('offered', 'booked', 'in_call');

ALTER TABLE visio_mail DROP CONSTRAINT visio_mail_kind_check;
ALTER TABLE visio_mail ADD CONSTRAINT visio_mail_kind_check
  CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_1h', 'cancellation', 'change', 'new_link', 'offer'));

-- One person in one service's line. contact_key is a hash of her e-mail address (or, without
-- one, of her phone number) in one canonical form: one entry per person and service, and the
-- offers she gets in a day are counted over all her entries. Once the entry is closed (she
-- left, booked, or waited past the horizon) nothing about her stays.
CREATE TABLE visio_waiting (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The order of arrival: first come, first offered.
  place             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  service_id        uuid NOT NULL REFERENCES visio_service (id),
  point_id          uuid REFERENCES visio_point (id),
  state             text NOT NULL CHECK (state IN ('waiting', 'offered', 'booked', 'left', 'closed')),
  citizen_name      text CHECK (length(btrim(citizen_name)) BETWEEN 1 AND 120),
  citizen_email     text CHECK (citizen_email IS NULL OR citizen_email LIKE '%_@_%'),
  citizen_phone     text CHECK (citizen_phone IS NULL OR citizen_phone ~ '^\+?[0-9 .()-]{6,20}$'),
  contact_key       text,
  joined_at         timestamptz NOT NULL,
  -- The slot held for her now (an appointment in state 'offered'), until when.
  offer_id          uuid UNIQUE REFERENCES appointment (id),
  offer_expires_at  timestamptz,
  ended_at          timestamptz,
  CONSTRAINT visio_waiting_offer_held CHECK ((state = 'offered') = (offer_id IS NOT NULL AND offer_expires_at IS NOT NULL)),
  CONSTRAINT visio_waiting_open_is_reachable CHECK (state NOT IN ('waiting', 'offered')
    OR citizen_name IS NOT NULL AND contact_key IS NOT NULL AND (citizen_email IS NOT NULL OR citizen_phone IS NOT NULL)),
  CONSTRAINT visio_waiting_closed_keeps_nothing CHECK (state IN ('waiting', 'offered')
    OR citizen_name IS NULL AND citizen_email IS NULL AND citizen_phone IS NULL AND contact_key IS NULL AND ended_at IS NOT NULL)
);
-- The line of a service, first come first.
CREATE INDEX visio_waiting_line ON visio_waiting (service_id, place) WHERE state IN ('waiting', 'offered');
CREATE UNIQUE INDEX visio_waiting_once ON visio_waiting (service_id, contact_key) WHERE state IN ('waiting', 'offered');
CREATE INDEX visio_waiting_offer_due ON visio_waiting (offer_expires_at) WHERE state = 'offered';

-- Every offer made: which start was offered to which entry (never the same twice), how it
-- ended; the offers of a day are counted from here (at most a few per person).
CREATE TABLE visio_waiting_offer (
  id              bigserial PRIMARY KEY,
  entry_id        uuid NOT NULL REFERENCES visio_waiting (id),
  appointment_id  uuid NOT NULL,
  starts_at       timestamptz NOT NULL,
  offered_at      timestamptz NOT NULL,
  outcome         text CHECK (outcome IN ('taken', 'declined', 'expired', 'left')),
  ended_at        timestamptz
);
CREATE INDEX visio_waiting_offer_entry ON visio_waiting_offer (entry_id, offered_at);
CREATE UNIQUE INDEX visio_waiting_offer_open ON visio_waiting_offer (appointment_id) WHERE outcome IS NULL;
