-- Téléexpertise (issue 16): a request asks for a written opinion ('opinion') or a video call
-- ('video', every request before this migration). An opinion goes through the same queue and
-- claim; then nurse and doctor write to each other on the item, and the doctor closes it with
-- her opinion (the report) and an outcome, or turns it into a video call at any time.

ALTER TABLE teleconsultation ADD COLUMN kind text NOT NULL DEFAULT 'video'
  CHECK (kind IN ('video', 'opinion'));
-- When an opinion became a video call: the join timeout counts from then, not from the claim.
ALTER TABLE teleconsultation ADD COLUMN video_at timestamptz;

CREATE TABLE teleconsultation_message (
  id                   bigserial PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  author_id            uuid NOT NULL REFERENCES app_user (id),
  side                 text NOT NULL CHECK (side IN ('nurse', 'doctor')),
  body                 text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
  at                   timestamptz NOT NULL
);
CREATE INDEX teleconsultation_message_item ON teleconsultation_message (teleconsultation_id, id);

-- The messages are health data: they go with the item's patient fields, like its vital signs
-- (the trigger of V51 calls this function).
CREATE OR REPLACE FUNCTION erase_care_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM vital_signs WHERE teleconsultation_id = NEW.id;
  DELETE FROM teleconsultation_message WHERE teleconsultation_id = NEW.id;
  RETURN NEW;
END $$;
