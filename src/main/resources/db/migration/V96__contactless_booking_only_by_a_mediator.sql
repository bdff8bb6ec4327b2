-- V77 let any professional's booking (booked_by set: an agent's too) go without the citizen's
-- e-mail and phone, though only a mediator beside her may book so (he holds the appointment for
-- her; an agent books for someone he reaches). A check cannot read the booker's role: a trigger
-- refuses, as the check would (23514, the same constraint's name), a row not erased, with no
-- contact and not booked at a screen, whose booker is not a mediator. Rows written before are
-- left as they are (their erasure still passes: erased_at set). Only a row without any contact
-- runs the function (the trigger's WHEN): a booking with one costs nothing more.
CREATE FUNCTION appointment_reachable_by_its_booker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM app_user WHERE id = NEW.booked_by AND role = 'mediator') THEN
    RAISE EXCEPTION 'new row for relation "appointment" violates check constraint "appointment_reachable_until_erased"'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'appointment_reachable_until_erased', TABLE = 'appointment';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER appointment_reachable_by_its_booker
  BEFORE INSERT OR UPDATE OF citizen_email, citizen_phone, booked_by, booked_at_kiosk, erased_at ON appointment
  FOR EACH ROW WHEN (NEW.erased_at IS NULL AND NEW.citizen_email IS NULL AND NEW.citizen_phone IS NULL
                    AND NEW.booked_at_kiosk IS NULL)
  EXECUTE FUNCTION appointment_reachable_by_its_booker();
