-- The report of a closed request, downloaded as one PDF (issue 16, item 5), holds the item's
-- health data: each download is a read, audited like the others (action 'report').
ALTER TABLE health_data_access DROP CONSTRAINT health_data_access_action_check;
ALTER TABLE health_data_access ADD CONSTRAINT health_data_access_action_check
  CHECK (action IN ('list', 'read', 'join', 'timeline', 'push', 'file', 'report'));
