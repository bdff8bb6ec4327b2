-- The screens of the points visio-accueil (issue 15): an admin, or a mediator of the point's
-- organisation, pairs a screen with a point. The pairing code (shown once, typed on the screen)
-- and the device token it is exchanged for are stored as SHA-256 only; the code is single use
-- and short-lived, the token lasts until revoked. A revoked screen keeps its row (who paired and
-- revoked it, when) but no hash: nothing can open it again.
CREATE TABLE visio_kiosk (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  point_id         uuid NOT NULL REFERENCES visio_point (id),
  label            text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 80),
  code_hash        bytea UNIQUE,
  code_expires_at  timestamptz,
  token_hash       bytea UNIQUE,
  created_by       uuid NOT NULL REFERENCES app_user (id),
  created_at       timestamptz NOT NULL,
  paired_at        timestamptz,
  last_seen_at     timestamptz,
  revoked_at       timestamptz,
  revoked_by       uuid REFERENCES app_user (id),
  CONSTRAINT visio_kiosk_code_or_token CHECK (code_hash IS NULL OR token_hash IS NULL),
  CONSTRAINT visio_kiosk_revoked_opens_nothing CHECK (revoked_at IS NULL OR (code_hash IS NULL AND token_hash IS NULL))
);
CREATE INDEX visio_kiosk_point ON visio_kiosk (point_id, created_at) WHERE revoked_at IS NULL;
