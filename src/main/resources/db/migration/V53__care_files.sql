-- Photos and documents with a teleconsultation (issue 16): the nurse adds them when she creates
-- the request or while it is open; whoever may see the item sees them. The bytes stay in
-- PostgreSQL with the item (one transaction adds a file whole, the retention and an admin's
-- erasure delete them with the patient's fields, the backups hold them with the rest), cut into
-- chunks of 256 KiB so that a download reads one chunk at a time, never a whole file.

CREATE TABLE care_file (
  id                   uuid PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  -- 1, 2, 3…: the order she added them in ("Photo 2"); unique within the item.
  position             smallint NOT NULL CHECK (position >= 1),
  -- The name as she chose it (shown, and given back in Content-Disposition), never trusted for its type.
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The type read from the content, never from the name nor the Content-Type sent.
  media_type           text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes           bigint NOT NULL CHECK (size_bytes > 0),
  chunks               integer NOT NULL CHECK (chunks >= 1),
  sha256               text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  added_at             timestamptz NOT NULL,
  added_by             uuid NOT NULL REFERENCES app_user (id),
  added_side           text NOT NULL CHECK (added_side = 'nurse'),
  UNIQUE (teleconsultation_id, position)
);

CREATE TABLE care_file_chunk (
  file_id              uuid NOT NULL REFERENCES care_file (id) ON DELETE CASCADE,
  seq                  integer NOT NULL CHECK (seq >= 0),
  data                 bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 262144),
  PRIMARY KEY (file_id, seq)
);
-- JPEG, PNG and PDF are compressed already: stored out of line without trying to compress again.
ALTER TABLE care_file_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- Reading a file is a read of health data: audited like the other reads (action 'file').
ALTER TABLE health_data_access DROP CONSTRAINT health_data_access_action_check;
ALTER TABLE health_data_access ADD CONSTRAINT health_data_access_action_check
  CHECK (action IN ('list', 'read', 'join', 'timeline', 'push', 'file'));

-- The files are health data: they go with the item's patient fields, like its vital signs (V51)
-- and its messages (V52), whichever statement erases them (the trigger of V51 calls this function).
CREATE OR REPLACE FUNCTION erase_care_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM vital_signs WHERE teleconsultation_id = NEW.id;
  DELETE FROM teleconsultation_message WHERE teleconsultation_id = NEW.id;
  DELETE FROM care_file WHERE teleconsultation_id = NEW.id;
  RETURN NEW;
END $$;
