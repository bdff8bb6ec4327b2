-- Every read of a queued item gives the wait to expect, from the median handling time of its
-- specialty over 30 days: read by this index, not by scanning every request ever made.
CREATE INDEX teleconsultation_completed ON teleconsultation (specialty, completed_at) WHERE status = 'completed';
