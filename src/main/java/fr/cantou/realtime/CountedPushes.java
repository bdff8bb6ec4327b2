package fr.cantou.realtime;

import fr.cantou.platform.metrics.NodeMetrics;

/** Counts the events handed to sockets and the frames dropped, then tells the observer behind it. */
public record CountedPushes(PushObserver next, NodeMetrics metrics) implements PushObserver {
  @Override
  public void pushed(Viewer viewer, EventRecord event) {
    metrics.eventDelivered();
    next.pushed(viewer, event);
  }

  @Override
  public void dropped(int frames) {
    metrics.eventsDropped(frames);
    next.dropped(frames);
  }

  @Override
  public void offeredToAll(EventRecord event) {
    next.offeredToAll(event);
  }
}
