-- Identity: organisations, users with one role, doctors' specialties, refresh tokens,
-- and node-wide settings (the generated JWT signing key).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE organisation (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind        text NOT NULL CHECK (kind IN ('ehpad', 'maison_sante', 'hopital', 'administration',
                                            'france_services', 'tiers_lieu')),
  name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  commune     text NOT NULL CHECK (length(btrim(commune)) BETWEEN 1 AND 100),
  time_zone   text NOT NULL DEFAULT 'Europe/Paris',
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, name, commune)
);

CREATE TABLE specialty (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,49}$'),
  label       text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
  created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO specialty (code, label) VALUES
  ('medecine_generale', 'Médecine générale'),
  ('geriatrie', 'Gériatrie'),
  ('cardiologie', 'Cardiologie'),
  ('dermatologie', 'Dermatologie'),
  ('psychiatrie', 'Psychiatrie'),
  ('neurologie', 'Neurologie'),
  ('plaies_cicatrisation', 'Plaies et cicatrisation'),
  ('soins_palliatifs', 'Soins palliatifs'),
  ('pneumologie', 'Pneumologie'),
  ('endocrinologie', 'Endocrinologie');

CREATE TABLE app_user (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email            text NOT NULL CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
  password_hash    text NOT NULL,
  role             text NOT NULL CHECK (role IN ('admin', 'nurse', 'doctor', 'agent', 'mediator', 'citizen')),
  display_name     text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 120),
  organisation_id  uuid REFERENCES organisation (id),
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  deactivated_at   timestamptz,
  -- nurses, agents and mediators act for an organisation; doctors may belong to a hospital.
  CHECK (role NOT IN ('nurse', 'agent', 'mediator') OR organisation_id IS NOT NULL),
  CHECK (active OR deactivated_at IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_email ON app_user (email);
CREATE INDEX app_user_organisation ON app_user (organisation_id);

CREATE TABLE user_specialty (
  user_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  specialty_code  text NOT NULL REFERENCES specialty (code),
  PRIMARY KEY (user_id, specialty_code)
);
CREATE INDEX user_specialty_code ON user_specialty (specialty_code);

-- Refresh tokens rotate: each use marks the row used and issues a new one in the same
-- family. A used token presented again means it leaked: the whole family is revoked.
CREATE TABLE refresh_token (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  family_id   uuid NOT NULL,
  token_hash  bytea NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);
CREATE INDEX refresh_token_user ON refresh_token (user_id);

-- Failed logins, to slow down password guessing (429) across every node.
CREATE TABLE login_failure (
  email       text NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_email ON login_failure (email, failed_at);

CREATE TABLE setting (
  key         text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
