-- Visio-accueil: services of administrations, agents' availability, points visio-accueil
-- and appointments. No double booking, ever: exclusion constraints on the agent's time
-- (appointment plus buffer) and on the point's time.

CREATE TABLE visio_service (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id   uuid NOT NULL REFERENCES organisation (id),
  name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 150),
  description       text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  documents         text[] NOT NULL DEFAULT '{}',
  duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 240),
  reference_prefix  text NOT NULL CHECK (reference_prefix ~ '^[A-Z]{2,6}$'),
  active            boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, name)
);

CREATE TABLE visio_agent_service (
  agent_id          uuid NOT NULL REFERENCES app_user (id),
  service_id        uuid NOT NULL REFERENCES visio_service (id),
  PRIMARY KEY (agent_id, service_id)
);
CREATE INDEX visio_agent_service_service ON visio_agent_service (service_id);

-- Buffer after each appointment, minimum notice before a booking, horizon of bookings.
CREATE TABLE visio_agent_settings (
  agent_id              uuid PRIMARY KEY REFERENCES app_user (id),
  buffer_minutes        integer NOT NULL DEFAULT 5 CHECK (buffer_minutes BETWEEN 0 AND 120),
  min_notice_minutes    integer NOT NULL DEFAULT 120 CHECK (min_notice_minutes BETWEEN 0 AND 20160),
  horizon_days          integer NOT NULL DEFAULT 30 CHECK (horizon_days BETWEEN 1 AND 365)
);

-- Weekly ranges, in the organisation's time zone (ISO weekday: 1 = Monday).
CREATE TABLE visio_availability (
  id          bigserial PRIMARY KEY,
  agent_id    uuid NOT NULL REFERENCES app_user (id),
  weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time  time NOT NULL,
  end_time    time NOT NULL,
  CHECK (start_time < end_time)
);
CREATE INDEX visio_availability_agent ON visio_availability (agent_id);

-- Leave, closures: times when an agent takes no appointment (public holidays are computed).
CREATE TABLE visio_exception (
  id          bigserial PRIMARY KEY,
  agent_id    uuid NOT NULL REFERENCES app_user (id),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
  CHECK (starts_at < ends_at)
);
CREATE INDEX visio_exception_agent ON visio_exception (agent_id, ends_at);

CREATE TABLE visio_point (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 150),
  commune          text NOT NULL CHECK (length(btrim(commune)) BETWEEN 1 AND 100),
  kind             text NOT NULL CHECK (kind IN ('mairie', 'france_services', 'tiers_lieu')),
  address          text NOT NULL DEFAULT '',
  organisation_id  uuid REFERENCES organisation (id),
  time_zone        text NOT NULL DEFAULT 'Europe/Paris',
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, commune)
);

CREATE TABLE visio_point_hours (
  id          bigserial PRIMARY KEY,
  point_id    uuid NOT NULL REFERENCES visio_point (id),
  weekday     smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time  time NOT NULL,
  end_time    time NOT NULL,
  CHECK (start_time < end_time)
);
CREATE INDEX visio_point_hours_point ON visio_point_hours (point_id);

CREATE TABLE appointment (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference           text NOT NULL UNIQUE,
  service_id          uuid NOT NULL REFERENCES visio_service (id),
  agent_id            uuid NOT NULL REFERENCES app_user (id),
  point_id            uuid REFERENCES visio_point (id),
  starts_at           timestamptz NOT NULL,
  ends_at             timestamptz NOT NULL,
  -- The agent is taken until the end plus the buffer.
  blocked_until       timestamptz NOT NULL,
  agent_period        tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, blocked_until, '[)')) STORED,
  period              tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
  status              text NOT NULL CHECK (status IN ('booked', 'in_call', 'completed', 'cancelled', 'no_show')),
  citizen_name        text NOT NULL CHECK (length(btrim(citizen_name)) BETWEEN 1 AND 120),
  citizen_email       text CHECK (citizen_email IS NULL OR citizen_email LIKE '%_@_%'),
  citizen_phone       text CHECK (citizen_phone IS NULL OR citizen_phone ~ '^\+?[0-9 .()-]{6,20}$'),
  note                text CHECK (length(note) <= 1000),
  accessibility       text[] NOT NULL DEFAULT '{}',
  booked_by           uuid REFERENCES app_user (id),
  idempotency_key     text UNIQUE,
  room_name           text NOT NULL UNIQUE,
  citizen_waiting_at  timestamptz,
  agent_joined_at     timestamptz,
  created_at          timestamptz NOT NULL,
  cancelled_at        timestamptz,
  finished_at         timestamptz,
  CHECK (starts_at < ends_at AND ends_at <= blocked_until),
  CHECK (citizen_email IS NOT NULL OR citizen_phone IS NOT NULL),
  CONSTRAINT appointment_agent_free EXCLUDE USING gist (agent_id WITH =, agent_period WITH &&)
    WHERE (status IN ('booked', 'in_call')),
  CONSTRAINT appointment_point_free EXCLUDE USING gist (point_id WITH =, period WITH &&)
    WHERE (status IN ('booked', 'in_call') AND point_id IS NOT NULL)
);
CREATE INDEX appointment_service_time ON appointment (service_id, starts_at);
CREATE INDEX appointment_agent_time ON appointment (agent_id, starts_at);
CREATE INDEX appointment_booked_by ON appointment (booked_by, starts_at);

-- Every mail to a citizen is a row: written in the transaction that causes it, sent by a
-- job that claims due rows with SKIP LOCKED, so each goes once across nodes and survives
-- restarts.
CREATE TABLE visio_mail (
  id              bigserial PRIMARY KEY,
  appointment_id  uuid NOT NULL REFERENCES appointment (id),
  kind            text NOT NULL CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_1h', 'cancellation', 'change')),
  due_at          timestamptz NOT NULL,
  claimed_until   timestamptz,
  sent_at         timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text
);
CREATE INDEX visio_mail_due ON visio_mail (due_at) WHERE sent_at IS NULL;
