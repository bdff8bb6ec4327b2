-- Counters of fixed windows for what anonymous callers may do (e.g. bookings per address and
-- per e-mail or phone). One row per key, incremented by an upsert (atomic under its row lock).
CREATE TABLE rate_limit (
  key           text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  count         integer NOT NULL
);
CREATE INDEX rate_limit_window ON rate_limit (window_start);
