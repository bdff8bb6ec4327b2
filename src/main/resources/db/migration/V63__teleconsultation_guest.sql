-- A third seat in the call (issue 16, item 4): an interpreter, a family member or the resident's
-- regular GP invited by the nurse or the doctor into the room of one assignment of a request.
-- Only the SHA-256 of the guest's secret is kept; the address or number the invitation went to
-- is not kept at all (it was only needed to send it): the row keeps the channel and a masked form.
-- room_name is the room of the assignment the invitation was made for: when the request is given
-- back and taken again, its new room is not the guest's (the link is void).
CREATE TABLE teleconsultation_guest (
  id                   uuid PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  room_name            text NOT NULL,
  token_hash           bytea NOT NULL UNIQUE,
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  role                 text NOT NULL CHECK (role IN ('interpreter', 'family', 'gp')),
  channel              text NOT NULL CHECK (channel IN ('mail', 'sms')),
  masked_contact       text NOT NULL,
  consent_by           text NOT NULL,
  invited_by           uuid NOT NULL REFERENCES app_user (id),
  invited_at           timestamptz NOT NULL,
  joined_at            timestamptz,
  removed_at           timestamptz,
  removed_by           uuid REFERENCES app_user (id)
);
CREATE INDEX teleconsultation_guest_item ON teleconsultation_guest (teleconsultation_id, invited_at);

-- A guest's name is personal data of someone who is not the patient: it goes with the patient's
-- data (retention, or an admin's erasure on request), whichever statement erases them. A trigger
-- of its own, so that erase_care_data() (V51–V53) stays as it is.
CREATE FUNCTION erase_guests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM teleconsultation_guest WHERE teleconsultation_id = NEW.id;
  UPDATE teleconsultation_timeline SET detail = detail - 'guest'
  WHERE teleconsultation_id = NEW.id AND action IN ('guest_invited', 'guest_joined', 'guest_removed');
  RETURN NEW;
END $$;

CREATE TRIGGER teleconsultation_erases_guests
  AFTER UPDATE OF erased_at ON teleconsultation
  FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
  EXECUTE FUNCTION erase_guests();
