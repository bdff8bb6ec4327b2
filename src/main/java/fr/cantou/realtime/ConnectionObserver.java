package fr.cantou.realtime;

/** Told when a viewer's socket opens (after hello) and closes; presence is inferred from it. */
public interface ConnectionObserver {
  void opened(Viewer viewer);

  void closed(Viewer viewer);
}
