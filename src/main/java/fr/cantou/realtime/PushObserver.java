package fr.cantou.realtime;

/**
 * Told of every event handed to a socket (live or replayed), on that socket's event loop: it
 * must not block nor touch the database there (the health-data audit batches its rows).
 */
public interface PushObserver {
  PushObserver NONE = (viewer, event) -> {};

  /** Tells each of {@code observers}, in order. */
  static PushObserver all(java.util.List<PushObserver> observers) {
    return new PushObserver() {
      @Override
      public void pushed(Viewer viewer, EventRecord event) {
        observers.forEach(o -> o.pushed(viewer, event));
      }

      @Override
      public void dropped(int frames) {
        observers.forEach(o -> o.dropped(frames));
      }

      @Override
      public void offeredToAll(EventRecord event) {
        observers.forEach(o -> o.offeredToAll(event));
      }
    };
  }

  void pushed(Viewer viewer, EventRecord event);

  /** Frames not written because the client could not keep up (it is dropped, and resumes). */
  default void dropped(int frames) {}

  /** A loop has offered a live event to every socket it holds (on that loop's thread). */
  default void offeredToAll(EventRecord event) {}
}
