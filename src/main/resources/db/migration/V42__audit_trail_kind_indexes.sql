-- The audit trail's page at volume (issue 12): each table is read in a branch of its own, down
-- one index, newest first, stopping after a page (AuditStore.page). These serve the filters by
-- kind of action and kind of item that were left to a scan of the whole table: a rare kind
-- ("agent", "sign_in") read from the newest line down could walk every row before a page filled.
-- IF NOT EXISTS: an operator can build them first without blocking writers, with
-- CREATE INDEX CONCURRENTLY and these names (docs/operations.md, "Indexes on big tables").
CREATE INDEX IF NOT EXISTS change_audit_kind ON change_audit (item_kind, at, id);
CREATE INDEX IF NOT EXISTS access_audit_category ON access_audit (category, at, id);
CREATE INDEX IF NOT EXISTS access_audit_kind ON access_audit (item_kind, at, id);
-- personal_data_audit (V50, which may come after this one) keeps its own indexes: it is small.
