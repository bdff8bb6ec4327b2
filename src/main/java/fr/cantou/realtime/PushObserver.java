package fr.cantou.realtime;

/**
 * Told of every event handed to a socket (live or replayed), on that socket's event loop: it
 * must not block nor touch the database there (the health-data audit batches its rows).
 */
public interface PushObserver {
  PushObserver NONE = (viewer, event, delivery) -> {};

  /** How an event reached a socket. */
  enum Delivery {
    /** A live event, the first of its loop's pushes of it to this person at this address. */
    LIVE,
    /**
     * A live event the loop has just pushed to another socket of the same person at the same
     * address (her other tabs): the same read, at once.
     */
    LIVE_TO_SAME_READER,
    /** An event sent by a catch-up (a resume, or what was held back meanwhile): a read of its own. */
    REPLAY
  }

  /** Tells each of {@code observers}, in order. */
  static PushObserver all(java.util.List<PushObserver> observers) {
    return new PushObserver() {
      @Override
      public void pushed(Viewer viewer, EventRecord event, Delivery delivery) {
        for (PushObserver observer : observers) {
          observer.pushed(viewer, event, delivery);
        }
      }

      @Override
      public void dropped(int frames) {
        observers.forEach(o -> o.dropped(frames));
      }

      @Override
      public void offeredToAll(EventRecord event, int pushed) {
        observers.forEach(o -> o.offeredToAll(event, pushed));
      }
    };
  }

  void pushed(Viewer viewer, EventRecord event, Delivery delivery);

  /** Frames not written because the client could not keep up (it is dropped, and resumes). */
  default void dropped(int frames) {}

  /**
   * A loop has offered a live event to every socket its audience names (on that loop's thread),
   * {@code pushed} of them took it ({@link Delivery#LIVE} and {@link Delivery#LIVE_TO_SAME_READER}).
   */
  default void offeredToAll(EventRecord event, int pushed) {}
}
