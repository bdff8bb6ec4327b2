-- Health and citizens' data kept no longer than needed (issue 12). After its retention, an item
-- keeps what the statistics count (when, which specialty or service, which outcome, who worked
-- on it) and loses every field about the person: erased_at says when.

ALTER TABLE teleconsultation ADD COLUMN erased_at timestamptz;
ALTER TABLE teleconsultation ALTER COLUMN patient_reference DROP NOT NULL;
ALTER TABLE teleconsultation ALTER COLUMN reason DROP NOT NULL;
ALTER TABLE teleconsultation ADD CONSTRAINT teleconsultation_whole_until_erased
  CHECK (erased_at IS NOT NULL OR (patient_reference IS NOT NULL AND reason IS NOT NULL));

ALTER TABLE appointment ADD COLUMN erased_at timestamptz;
ALTER TABLE appointment ALTER COLUMN citizen_name DROP NOT NULL;
ALTER TABLE appointment ADD CONSTRAINT appointment_named_until_erased CHECK (erased_at IS NOT NULL OR citizen_name IS NOT NULL);

-- The checks V3 and V10 wrote without a name: a completed request has its report, an
-- appointment a way to reach the citizen; both until the data is erased.
DO $$
DECLARE
  found text;
BEGIN
  -- A database where an operator already renamed or dropped them goes on without them.
  FOR found IN SELECT conname FROM pg_constraint
   WHERE conrelid = 'teleconsultation'::regclass AND contype = 'c'
     AND pg_get_constraintdef(oid) LIKE '%report IS NOT NULL%outcome IS NOT NULL%' LOOP
    EXECUTE format('ALTER TABLE teleconsultation DROP CONSTRAINT %I', found);
  END LOOP;
  FOR found IN SELECT conname FROM pg_constraint
   WHERE conrelid = 'appointment'::regclass AND contype = 'c'
     AND pg_get_constraintdef(oid) LIKE '%citizen_email IS NOT NULL) OR (citizen_phone IS NOT NULL%' LOOP
    EXECUTE format('ALTER TABLE appointment DROP CONSTRAINT %I', found);
  END LOOP;
END $$;

ALTER TABLE teleconsultation ADD CONSTRAINT teleconsultation_completed_has_report
  CHECK (status <> 'completed' OR outcome IS NOT NULL AND (report IS NOT NULL OR erased_at IS NOT NULL));
ALTER TABLE appointment ADD CONSTRAINT appointment_reachable_until_erased
  CHECK (erased_at IS NOT NULL OR citizen_email IS NOT NULL OR citizen_phone IS NOT NULL);

-- What the retention jobs look for, closed longest ago first.
CREATE INDEX teleconsultation_to_erase ON teleconsultation (coalesce(completed_at, cancelled_at))
  WHERE erased_at IS NULL AND status IN ('completed', 'cancelled');
CREATE INDEX appointment_to_erase ON appointment (ends_at) WHERE erased_at IS NULL;
