-- Vital signs the nurse measured, sent with a teleconsultation or added while it is open
-- (issue 16). One row a set of measurements taken together; each measure is optional, a set
-- holds at least one. The plausible ranges are the database's too: the service says which
-- field is out of range in a sentence, these checks keep any other writer honest.

CREATE TABLE vital_signs (
  id                   bigserial PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  measured_at          timestamptz NOT NULL,
  recorded_at          timestamptz NOT NULL,
  recorded_by          uuid NOT NULL REFERENCES app_user (id),
  systolic_mmhg        smallint CHECK (systolic_mmhg BETWEEN 50 AND 260),
  diastolic_mmhg       smallint CHECK (diastolic_mmhg BETWEEN 20 AND 160),
  pulse_bpm            smallint CHECK (pulse_bpm BETWEEN 20 AND 250),
  temperature_c        numeric(3, 1) CHECK (temperature_c BETWEEN 30 AND 44),
  spo2_percent         smallint CHECK (spo2_percent BETWEEN 50 AND 100),
  glycaemia_g_l        numeric(3, 2) CHECK (glycaemia_g_l BETWEEN 0.2 AND 6),
  weight_kg            numeric(4, 1) CHECK (weight_kg BETWEEN 1 AND 350),
  pain_score           smallint CHECK (pain_score BETWEEN 0 AND 10),
  CONSTRAINT vital_signs_pressure_whole CHECK ((systolic_mmhg IS NULL) = (diastolic_mmhg IS NULL)),
  CONSTRAINT vital_signs_pressure_order CHECK (diastolic_mmhg < systolic_mmhg),
  CONSTRAINT vital_signs_not_empty CHECK (num_nonnulls(systolic_mmhg, pulse_bpm, temperature_c, spo2_percent,
                                                      glycaemia_g_l, weight_kg, pain_score) > 0)
);
CREATE INDEX vital_signs_item ON vital_signs (teleconsultation_id, measured_at);

-- Vital signs are health data: they go when the item's patient fields go (retention, or an
-- admin's erasure on request), whichever statement erases them. What else the item holds about
-- the patient (V52: the written exchange) is added to this one function.
CREATE FUNCTION erase_care_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM vital_signs WHERE teleconsultation_id = NEW.id;
  RETURN NEW;
END $$;

CREATE TRIGGER teleconsultation_erases_care_data
  AFTER UPDATE OF erased_at ON teleconsultation
  FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
  EXECUTE FUNCTION erase_care_data();
