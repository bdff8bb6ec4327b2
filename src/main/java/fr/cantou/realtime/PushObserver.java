package fr.cantou.realtime;

/**
 * Told of the events handed to sockets, on their event loop: it must not block nor touch the
 * database there (the health-data audit batches its rows). A live event is told once per loop,
 * with its reads there; a catch-up's event once per socket.
 */
public interface PushObserver {
  PushObserver NONE = new PushObserver() {};

  /** Tells each of {@code observers}, in order. */
  static PushObserver all(java.util.List<PushObserver> observers) {
    return new PushObserver() {
      @Override
      public void replayed(Viewer viewer, EventRecord event) {
        for (PushObserver observer : observers) {
          observer.replayed(viewer, event);
        }
      }

      @Override
      public void dropped(int frames) {
        observers.forEach(o -> o.dropped(frames));
      }

      @Override
      public void offeredToAll(EventRecord event, int pushed, LiveReads reads) {
        for (PushObserver observer : observers) {
          observer.offeredToAll(event, pushed, reads);
        }
      }
    };
  }

  /** An event a catch-up sent to one socket (a resume, or what was held back meanwhile): a read of its own. */
  default void replayed(Viewer viewer, EventRecord event) {}

  /** Frames not written because the client could not keep up (it is dropped, and resumes). */
  default void dropped(int frames) {}

  /**
   * A loop has offered a live event to every socket its audience names (on that loop's thread):
   * {@code pushed} of them took it, and {@code reads} says who read it there (the loop's, valid
   * during the call only).
   */
  default void offeredToAll(EventRecord event, int pushed, LiveReads reads) {}
}
