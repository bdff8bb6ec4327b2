-- What the screens of the points visio-accueil do, and what staff do to them, in the audit trail
-- (issue 15): a line names the screen, not "a citizen". user_id null: the screen itself acted
-- with its device token (a pairing code spent, a check-in, a leave, a join, a booking at the
-- point); set: a member of staff named or revoked the screen. Read with the other tables of the
-- trail (AuditStore), purged with them. The screen's row is kept after its revocation (V20), so a
-- line always names it.
CREATE TABLE kiosk_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  kiosk_id    uuid NOT NULL REFERENCES visio_kiosk (id),
  user_id     uuid REFERENCES app_user (id),
  action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  item_kind   text NOT NULL CHECK (item_kind IN ('appointment', 'point')),
  item_id     text NOT NULL CHECK (length(item_id) <= 100),
  address     text
);
CREATE INDEX kiosk_audit_at ON kiosk_audit (at, id);
CREATE INDEX kiosk_audit_user ON kiosk_audit (user_id, at);
CREATE INDEX kiosk_audit_item ON kiosk_audit (item_id, at);
CREATE INDEX kiosk_audit_kind ON kiosk_audit (item_kind, at, id);
CREATE INDEX kiosk_audit_kiosk ON kiosk_audit (kiosk_id, at);
