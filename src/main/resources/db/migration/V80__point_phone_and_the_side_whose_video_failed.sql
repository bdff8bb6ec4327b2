-- Which side's video failed (V78's sides: her link, the mediator beside her, the point's screen): the agent calls her
-- at home, the mediator's house, or the point, not the same number. Set with citizen_video_failed_at, read only beside
-- it, and cleared with it. A node of the previous version sets and clears the time only: a time it set alone reads as
-- her own link's (citizen), what it meant; during such an upgrade a side a new node wrote may outlive its time once.
ALTER TABLE appointment ADD COLUMN citizen_video_failed_side text
  CHECK (citizen_video_failed_side IN ('citizen', 'mediator', 'screen'));

-- The phone of a point's reception (a mairie's, a tiers-lieu's), as written (04 71 12 34 56): the agent calls it when
-- the point's screen cannot open the video. A point run by an organisation with a phone falls back on that one.
ALTER TABLE visio_point ADD COLUMN phone text CHECK (phone IS NULL OR length(phone) BETWEEN 4 AND 30);
