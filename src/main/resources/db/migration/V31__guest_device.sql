-- A guest's link is one browser's (issue 16, item 4, "a one-time link"): the first browser that
-- opens it binds it with a key of its own (256 random bits that the page makes and keeps), of which
-- only the SHA-256 is kept here. A table of its own, not columns of teleconsultation_guest: that
-- table is V63's, and a migration never relies on a higher-numbered one (guest_id is therefore
-- not a foreign key; the guest's id is a random UUID, and a row here is only ever read through it).
-- One statement binds (`INSERT … ON CONFLICT (guest_id) DO UPDATE … WHERE device_hash = <the same
-- key>`): two browsers opening the link at the same instant cannot both win (the second waits on
-- the first's key in the primary key, then finds another hash), and the same browser retrying after
-- a lost answer is still itself.
CREATE TABLE guest_device (
  guest_id             uuid PRIMARY KEY,
  teleconsultation_id  uuid NOT NULL REFERENCES teleconsultation (id),
  device_hash          bytea NOT NULL,
  bound_at             timestamptz NOT NULL
);
CREATE INDEX guest_device_item ON guest_device (teleconsultation_id);

-- Gone with the patient's data (retention, an admin's erasure), as the guests themselves (V63).
CREATE FUNCTION erase_guest_devices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM guest_device WHERE teleconsultation_id = NEW.id;
  RETURN NEW;
END $$;

CREATE TRIGGER teleconsultation_erases_guest_devices
  AFTER UPDATE OF erased_at ON teleconsultation
  FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
  EXECUTE FUNCTION erase_guest_devices();
