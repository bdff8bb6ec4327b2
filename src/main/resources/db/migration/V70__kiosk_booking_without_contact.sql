-- Booking at a point's screen without any contact (issue 15): someone with no mobile books with the
-- mediator's help and leaves with her reference written down or printed. Only such an appointment may
-- have neither an e-mail nor a phone: every other booking still needs a way to reach her.

ALTER TABLE appointment ADD COLUMN booked_at_kiosk uuid REFERENCES visio_kiosk (id);

ALTER TABLE appointment DROP CONSTRAINT appointment_reachable_until_erased;
ALTER TABLE appointment ADD CONSTRAINT appointment_reachable_until_erased
  CHECK (erased_at IS NOT NULL OR citizen_email IS NOT NULL OR citizen_phone IS NOT NULL OR booked_at_kiosk IS NOT NULL);
