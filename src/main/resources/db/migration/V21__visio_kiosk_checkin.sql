-- Which screen checked a citizen in (outside review of the kiosk, December 2026): the waiting
-- state alone is shared with the citizen's own page, so any screen of the point could get the
-- room of anyone waiting there, even from home. A screen now joins, and un-checks, only the
-- appointments it checked in itself; a revoked screen's check-ins go with it.
CREATE TABLE visio_kiosk_checkin (
  appointment_id  uuid PRIMARY KEY REFERENCES appointment (id) ON DELETE CASCADE,
  kiosk_id        uuid NOT NULL REFERENCES visio_kiosk (id),
  at              timestamptz NOT NULL
);
CREATE INDEX visio_kiosk_checkin_kiosk ON visio_kiosk_checkin (kiosk_id);
