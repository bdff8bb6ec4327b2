-- The audit trail's fourth table (issue 12, review of December 2026): what staff read of a
-- citizen's appointment, sign-ins, and admins reading the trail itself. Not changes (those are
-- change_audit's), nor health data (health_data_access'): accesses.
--   category read     an agent, a mediator or an admin read appointments (item_kind appointment,
--                     one row per appointment read; one insert per request);
--   category sign_in  sign-ins that succeeded, failed or got blocked, refreshes, sign-outs
--                     (item_kind user, item_id the account when one matches; the typed e-mail
--                     and password are never written);
--   category audit    an admin reading or exporting the trail (detail: the filters she asked).
-- user_id null: nobody signed in (a failed sign-in on an e-mail that is no account's).
CREATE TABLE access_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  user_id     uuid REFERENCES app_user (id),
  category    text NOT NULL CHECK (category IN ('read', 'sign_in', 'audit')),
  action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)?$'),
  item_kind   text CHECK (item_kind IN ('appointment', 'user')),
  item_id     text CHECK (length(item_id) <= 100),
  address     text,
  detail      text CHECK (length(detail) <= 500)
);
CREATE INDEX access_audit_at ON access_audit (at, id);
CREATE INDEX access_audit_user ON access_audit (user_id, at, id);
CREATE INDEX access_audit_item ON access_audit (item_id, at, id);
