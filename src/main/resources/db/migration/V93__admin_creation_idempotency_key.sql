-- An admin's creation (an account, an organisation, a specialty, a service, a point visio-accueil)
-- sent again with its Idempotency-Key is answered with what the first made (201, the same thing),
-- not "already exists" (409), which made her believe it failed. One row per key and admin, written
-- in the creation's transaction: what it made (its kind and id or code) and the fingerprint of the
-- request (a hash; an account's password is not part of it: no unsalted hash of a password kept).
CREATE TABLE admin_creation_key (
  admin_id        uuid NOT NULL,
  idempotency_key text NOT NULL,
  fingerprint     bytea NOT NULL,
  kind            text NOT NULL,
  made            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (admin_id, idempotency_key)
);
