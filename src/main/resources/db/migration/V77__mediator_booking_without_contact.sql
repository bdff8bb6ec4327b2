-- A mediator books beside someone with no mobile and no e-mail (at a France Services desk, a
-- mairie): she leaves with the printed convocation, and the mediator who booked it (booked_by)
-- holds it for her on his page, to join beside her, move or cancel it. So an appointment is
-- reachable through her contact, the screen that booked it (V70), or the professional who did;
-- the service lets only mediators book without a contact (agents book for someone they reach).
ALTER TABLE appointment DROP CONSTRAINT appointment_reachable_until_erased;
ALTER TABLE appointment ADD CONSTRAINT appointment_reachable_until_erased
  CHECK (erased_at IS NOT NULL OR citizen_email IS NOT NULL OR citizen_phone IS NOT NULL
         OR booked_at_kiosk IS NOT NULL OR booked_by IS NOT NULL);
