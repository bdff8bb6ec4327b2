-- The offers a person got in the last day are counted over all her places (by contact_key) each
-- time an offer is made and each time a line is read: found by an index, not a scan of every place.
CREATE INDEX visio_waiting_contact ON visio_waiting (contact_key) WHERE contact_key IS NOT NULL;
