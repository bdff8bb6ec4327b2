-- The audit trail admins read (issue 12): who read or changed which item, when, and from where.
-- Three tables hold it, each written in the transaction (or the batch) of what it records:
--   health_data_access   reads and pushes of a teleconsultation's patient data (V3, V13);
--   personal_data_audit  RGPD exports and erasures (V50, already with the address);
--   change_audit         changes made by staff, and by citizens with their manage link (here).
-- AuditStore reads the three alike. This migration may run before V50 (a new database) or after
-- it (one migrated before it existed): it does not touch personal_data_audit.

ALTER TABLE health_data_access ADD COLUMN address text;
CREATE INDEX health_data_access_at ON health_data_access (at, id);
CREATE INDEX health_data_access_user ON health_data_access (user_id, at);
-- The trail filters items by their id written as text (a teleconsultation's, a specialty's code…).
CREATE INDEX health_data_access_item_text ON health_data_access ((teleconsultation_id::text), at);

-- user_id null: a citizen acting with her appointment's manage link.
CREATE TABLE change_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  user_id     uuid REFERENCES app_user (id),
  action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  item_kind   text NOT NULL CHECK (item_kind IN ('teleconsultation', 'appointment', 'user', 'organisation',
                                                 'specialty', 'service', 'point', 'agent')),
  item_id     text NOT NULL CHECK (length(item_id) <= 100),
  address     text
);
CREATE INDEX change_audit_at ON change_audit (at, id);
CREATE INDEX change_audit_user ON change_audit (user_id, at);
CREATE INDEX change_audit_item ON change_audit (item_id, at);
