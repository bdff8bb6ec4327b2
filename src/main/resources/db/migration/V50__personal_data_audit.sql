-- RGPD (issue 12): every export and erasure of a person's data, by the person herself (her
-- manage link) or by an admin on request, is written here with who, why and from where.
CREATE TABLE personal_data_audit (
  id          bigserial PRIMARY KEY,
  item_kind   text NOT NULL CHECK (item_kind IN ('appointment', 'teleconsultation')),
  item_id     uuid NOT NULL,
  user_id     uuid REFERENCES app_user (id),
  actor       text NOT NULL CHECK (actor IN ('citizen', 'admin')),
  action      text NOT NULL CHECK (action IN ('export', 'erasure')),
  reason      text CHECK (length(reason) <= 500),
  address     text,
  at          timestamptz NOT NULL
);
CREATE INDEX personal_data_audit_item ON personal_data_audit (item_kind, item_id, at);
CREATE INDEX personal_data_audit_at ON personal_data_audit (at);
