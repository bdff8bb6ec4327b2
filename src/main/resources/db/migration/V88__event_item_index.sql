-- The events about one item, by its id: a file withdrawn from a request (its name may name another
-- resident) is taken out of the item's earlier events in the withdrawal's transaction, and an
-- erasure redacts an item's events. Without it each scanned up to the events' retention (7 days:
-- 0.6 s for 250,000 events, an outside review of 6 December), a writing transaction held open
-- that long, and every node's event delivery waits for the oldest one still open.
CREATE INDEX event_item ON event ((data ->> 'id'));
