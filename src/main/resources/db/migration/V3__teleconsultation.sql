-- Téléconsultation: the queue from the care home to the remote doctor.
-- A teleconsultation holds a pseudonymous patient reference and what the doctor needs to
-- start, never a name or a social security number.

CREATE TABLE teleconsultation (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id      uuid NOT NULL REFERENCES organisation (id),
  nurse_id             uuid NOT NULL REFERENCES app_user (id),
  patient_reference    text NOT NULL CHECK (length(btrim(patient_reference)) BETWEEN 1 AND 40),
  patient_initials     text CHECK (patient_initials ~ '^[A-Z]{1,4}$'),
  patient_birth_year   integer CHECK (patient_birth_year BETWEEN 1900 AND 2100),
  reason               text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  specialty            text NOT NULL REFERENCES specialty (code),
  urgency              text NOT NULL CHECK (urgency IN ('urgent', 'normal')),
  consent_by           text NOT NULL CHECK (consent_by IN ('patient', 'legal_representative')),
  consent_at           timestamptz NOT NULL,
  preferred_doctor_id  uuid REFERENCES app_user (id),
  -- When it enters (entered) the queue: now, or the planned time.
  queued_at            timestamptz NOT NULL,
  -- When doctors were told it waits (null while a planned request waits for its time).
  announced_at         timestamptz,
  status               text NOT NULL CHECK (status IN ('queued', 'assigned', 'in_call', 'completed', 'cancelled')),
  doctor_id            uuid REFERENCES app_user (id),
  room_name            text NOT NULL UNIQUE,
  escalated_at         timestamptz,
  assigned_at          timestamptz,
  started_at           timestamptz,
  completed_at         timestamptz,
  cancelled_at         timestamptz,
  nurse_joined_at      timestamptz,
  doctor_joined_at     timestamptz,
  report               text CHECK (length(report) <= 10000),
  outcome              text CHECK (outcome IN ('advice_given', 'prescription_sent', 'referral', 'emergency_transfer',
                                               'follow_up', 'other')),
  created_at           timestamptz NOT NULL DEFAULT now(),
  idempotency_key      text,
  CHECK ((status IN ('assigned', 'in_call', 'completed')) = (doctor_id IS NOT NULL) OR status = 'cancelled'),
  CHECK (status <> 'completed' OR (report IS NOT NULL AND outcome IS NOT NULL)),
  UNIQUE (nurse_id, idempotency_key)
);

-- One doctor holds at most one open teleconsultation at a time.
CREATE UNIQUE INDEX teleconsultation_one_open_per_doctor ON teleconsultation (doctor_id)
  WHERE status IN ('assigned', 'in_call');
CREATE INDEX teleconsultation_queue ON teleconsultation (specialty, urgency, queued_at) WHERE status = 'queued';
CREATE INDEX teleconsultation_organisation ON teleconsultation (organisation_id, created_at DESC);
CREATE INDEX teleconsultation_doctor ON teleconsultation (doctor_id, created_at DESC);

-- Who did what, when: every change of a teleconsultation.
CREATE TABLE teleconsultation_timeline (
  id                   bigserial PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  at                   timestamptz NOT NULL,
  actor_id             uuid REFERENCES app_user (id),
  action               text NOT NULL,
  detail               jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX teleconsultation_timeline_item ON teleconsultation_timeline (teleconsultation_id, id);

-- Every read of health data (principle of least data, and its audit).
CREATE TABLE health_data_access (
  id                   bigserial PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  user_id              uuid NOT NULL REFERENCES app_user (id),
  action               text NOT NULL CHECK (action IN ('list', 'read', 'join', 'timeline')),
  at                   timestamptz NOT NULL
);
CREATE INDEX health_data_access_item ON health_data_access (teleconsultation_id, at);

-- Doctors' presence, shared by every node. The status is what the doctor said (or busy in a
-- call); connections are counted per node so that a closed socket anywhere can be noticed.
CREATE TABLE doctor_presence (
  doctor_id            uuid PRIMARY KEY REFERENCES app_user (id),
  status               text NOT NULL CHECK (status IN ('available', 'busy', 'offline')),
  updated_at           timestamptz NOT NULL,
  disconnected_at      timestamptz
);

CREATE TABLE doctor_connection (
  node_id              text NOT NULL,
  doctor_id            uuid NOT NULL REFERENCES app_user (id),
  connections          integer NOT NULL CHECK (connections >= 0),
  PRIMARY KEY (node_id, doctor_id)
);

-- Nodes say they live; connections of a node silent for long are ignored.
CREATE TABLE node_heartbeat (
  node_id              text PRIMARY KEY,
  seen_at              timestamptz NOT NULL
);
