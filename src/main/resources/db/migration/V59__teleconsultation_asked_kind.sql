-- What the nurse asked for, never changed (issue 16, outside review): an opinion that the doctor
-- turns into a video call becomes kind 'video' (the queue's timeouts and the page follow the
-- call), and the statistics counted it as a call. The statistics group by asked_kind and count
-- the opinions that became calls.
ALTER TABLE teleconsultation ADD COLUMN asked_kind text CHECK (asked_kind IN ('video', 'opinion'));
-- Before this migration an opinion turned into a call is the one with a video_at.
UPDATE teleconsultation SET asked_kind = CASE WHEN video_at IS NOT NULL THEN 'opinion' ELSE kind END;
ALTER TABLE teleconsultation ALTER COLUMN asked_kind SET NOT NULL;

-- Set from kind by the database itself, so that every writer (the service, the demo, a script)
-- records it alike and nobody can change it afterwards.
CREATE FUNCTION keep_asked_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.asked_kind := NEW.kind;
  ELSE
    NEW.asked_kind := OLD.asked_kind;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER teleconsultation_asked_kind BEFORE INSERT OR UPDATE OF asked_kind ON teleconsultation
  FOR EACH ROW EXECUTE FUNCTION keep_asked_kind();
