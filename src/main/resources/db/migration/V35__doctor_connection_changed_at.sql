-- When a node last changed its count of a doctor's consoles: the count going to 0 (her last
-- console there closed, or the node stopped) is when she left that node. With a node's last
-- heartbeat, it tells how long a doctor has had no console anywhere, so that the request she
-- holds goes back to the queue once that lasts past the grace (docs/teleconsultation.md).
-- Nullable: a node of the previous version writes no time, and its rows are simply not judged.
ALTER TABLE doctor_connection ADD COLUMN changed_at timestamptz;
