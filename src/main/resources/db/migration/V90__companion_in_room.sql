-- The professional beside the person who is not her side (an agent of another administration who
-- booked it for someone at her desk: MeetingService.Standing.COMPANION) says she is in the room or
-- gone: the agent's card names her ("… (accompagne la personne) est dans la salle"); seen only in
-- the video, nobody knew who she was. Her going clears only herself.
ALTER TABLE appointment ADD COLUMN companion_in_room uuid REFERENCES app_user (id);
