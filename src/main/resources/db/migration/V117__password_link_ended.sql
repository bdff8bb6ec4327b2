-- The retention of password links (PasswordLinkStore.purgeBatch) looks, at every run of the jobs (every 5 s on every
-- node), for the links that ended before a time, a link's end being the first of its spending, voiding and expiry:
-- without an index on that very expression each look read the whole table, its cost growing with the links kept.
-- IF NOT EXISTS: on a big table an operator builds it CONCURRENTLY before the upgrade (operations.md).
CREATE INDEX IF NOT EXISTS password_link_ended ON password_link ((least(spent_at, voided_at, expires_at)));
