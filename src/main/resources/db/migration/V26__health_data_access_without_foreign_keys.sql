-- The audit of health data writes one row per person a teleconsultation is pushed to: a new
-- request reaches every doctor of its specialty, 1,000 rows for 1,000 sockets. Each row's two
-- foreign keys cost two index lookups and a row lock (FOR KEY SHARE) on the item and on the
-- user: measured on PostgreSQL 17 (December 2026), a 1,000-row insert took about four times as
-- long with them as without (docs/benchmarks.md). While that insert runs, its transaction holds
-- the outbox's horizon, so every node's events wait for it.
-- An audit trail records what happened and is never the reason a row may exist: its ids come
-- from the item and the user the node has just read, and nothing deletes teleconsultations or
-- accounts (patient data are erased inside the row, accounts deactivated). The indexes stay.
ALTER TABLE health_data_access DROP CONSTRAINT IF EXISTS health_data_access_teleconsultation_id_fkey;
ALTER TABLE health_data_access DROP CONSTRAINT IF EXISTS health_data_access_user_id_fkey;
