-- Pushes of a teleconsultation's patient data (issue 10): one row per event and batch naming
-- its readers, where health_data_access had a row per reader. A request reaches every doctor
-- of its specialty: with 1,000 of them, 20 requests a second were 20,000 rows a second, and
-- writing them bounded the fan-out (docs/benchmarks.md, sessions 16–17). The audit trail
-- (AuditStore) and an item's accesses (HealthDataAccessStore) read a line per reader, as
-- before. Older pushes stay in health_data_access, where they were written.
--
-- readers[i] was reached at addresses[i]. At most 1,000 readers a row: a line of the trail is
-- known by its row's id × 1,000 + its place in the row (AuditStore.PUSH_LINES).
CREATE TABLE health_data_push (
  id                   bigserial PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL,
  at                   timestamptz NOT NULL,
  readers              uuid[] NOT NULL CHECK (cardinality(readers) BETWEEN 1 AND 1000),
  addresses            text[] NOT NULL CHECK (cardinality(addresses) = cardinality(readers)),
  -- Read by the trail's pages without the arrays (stored out of line once they are long).
  reader_count         int GENERATED ALWAYS AS (cardinality(readers)) STORED
);
CREATE INDEX health_data_push_at ON health_data_push (at, id);
CREATE INDEX health_data_push_item ON health_data_push (teleconsultation_id, at);
-- The trail filters items by their id written as text, as for health_data_access (V30).
CREATE INDEX health_data_push_item_text ON health_data_push ((teleconsultation_id::text), at);
-- The trail filtered by person: the rows naming her.
CREATE INDEX health_data_push_readers ON health_data_push USING gin (readers);
