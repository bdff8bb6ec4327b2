-- The audit trail's filters at volume (issue 12): a patient's reference found in any case
-- (as the nurse wrote it, trimmed, as TeleconsultStore.ofPatient compares it too).
-- IF NOT EXISTS: an operator may build these indexes beforehand without blocking writers
-- (CREATE INDEX CONCURRENTLY …, the same statement and name: docs/operations.md, "Upgrades");
-- the migration then finds them and does nothing.
CREATE INDEX IF NOT EXISTS teleconsultation_patient_reference_lower ON teleconsultation (lower(btrim(patient_reference)));
