-- A screen that checked her in today kept seeing her appointment moved to another day (its new
-- day and time, and each later move's) until midnight: its page lets it go once it has said the
-- new day, but a leave lost on a weak link, or a copied token that never leaves, kept it in sight.
-- The first move of the check-in to another day is written here; the screen sees the appointment
-- (its GET, its socket) only for a few minutes after it, the time to tell her (KioskService).
-- A new check-in (a move within the day, checked in again) starts without one.
ALTER TABLE visio_kiosk_checkin ADD COLUMN moved_away_at timestamptz;
