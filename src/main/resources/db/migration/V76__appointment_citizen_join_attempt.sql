-- What the agent needs to tell "never came" from "could not get in": when the citizen's side
-- (her manage page, or her mediator) last asked for the room, and when her page said the video
-- could not open there. Both are cleared when the appointment moves to another time; the
-- failure is cleared once she is in the waiting room.
ALTER TABLE appointment
  ADD COLUMN citizen_tried_at timestamptz,
  ADD COLUMN citizen_video_failed_at timestamptz;
