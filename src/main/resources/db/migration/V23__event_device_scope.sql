-- A paired device (a point visio-accueil's screen) says hello on the WebSocket with its device
-- token (issue 15): events addressed to it by name, in the variant it may see (what its GET
-- shows: the time, the first name's initial, the service; never a name, contact or reference).
ALTER TABLE event ADD COLUMN device_ids uuid[] NOT NULL DEFAULT '{}';
