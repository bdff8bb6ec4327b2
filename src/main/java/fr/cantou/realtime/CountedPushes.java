package fr.cantou.realtime;

import fr.cantou.platform.metrics.NodeMetrics;

/**
 * Counts the events handed to sockets and the frames dropped, then tells the observer behind it.
 * A live event is counted once per loop, not per socket (a counter's add per frame was 2 % of a
 * thousand-socket fan-out).
 */
public record CountedPushes(PushObserver next, NodeMetrics metrics) implements PushObserver {
  @Override
  public void replayed(Viewer viewer, EventRecord event) {
    metrics.eventsDelivered(1);
    next.replayed(viewer, event);
  }

  @Override
  public void dropped(int frames) {
    metrics.eventsDropped(frames);
    next.dropped(frames);
  }

  @Override
  public void offeredToAll(EventRecord event, int pushed, LiveReads reads) {
    if (pushed > 0) {
      metrics.eventsDelivered(pushed);
    }
    next.offeredToAll(event, pushed, reads);
  }
}
