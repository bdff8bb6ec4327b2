-- Sign-in throttling, counted atomically: one row per key (an address, an account, an account
-- from one address), incremented by an upsert whose row lock serialises concurrent attempts,
-- so 40 parallel guesses cannot all be checked. Past its limit a key is blocked for a short,
-- doubling time (2 s, 4 s, … 15 min at most), not a flat 15 minutes that would lock the real
-- owner out: after each block one more attempt is checked, then the next block is twice as
-- long. Replaces login_failure, which was counted before it was written.
CREATE TABLE login_throttle (
  key            text PRIMARY KEY,
  max_attempts   integer NOT NULL,
  attempts       integer NOT NULL,
  window_start   timestamptz NOT NULL,
  -- Blocks so far in this window: the n-th lasts 2^n seconds (at most 15 minutes).
  blocks         integer NOT NULL DEFAULT 0,
  blocked_until  timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);
DROP TABLE login_failure;
