-- The readers' GIN index (V74) collects new entries in a pending list and merged it into the
-- index when the list passed 4 MB, inside the insert that passed it: one push-audit insert in
-- a few hundred then took 100–350 ms instead of 10, and an insert holds the outbox's horizon
-- (EventStore) while it runs, so every event committed meanwhile, on every node, waited for it
-- (docs/benchmarks.md, 4 December 2026, session 18). The list is now merged by PushAudit every
-- second with gin_clean_pending_list, which holds no transaction id, so no event waits for it;
-- the larger limit only keeps the inserts from merging it themselves meanwhile (autovacuum
-- merges it too, should no node be running).
ALTER INDEX health_data_push_readers SET (gin_pending_list_limit = 32768);
