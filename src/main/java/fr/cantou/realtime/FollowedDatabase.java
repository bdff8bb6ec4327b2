package fr.cantou.realtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The database whose events a node follows, known by its stream ({@code event_stream()}, V99): an event id means
 * something only there. A node kept running through a failover (an asynchronous replica promoted, which gives again
 * the ids of the events it never received) or a restore reads another database under the same address; going on after
 * the last id it dispatched, it skipped every event of the new one below that id, its pages and what it keeps in
 * memory silently behind until a restart. The listener's safety net reads the stream with its events: another stream,
 * or a newest id below the last dispatched one (a disk snapshot put back keeps its stream), means another database.
 */
final class FollowedDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(FollowedDatabase.class);

  /** Written and read on the listener's context only. */
  private String stream;
  /** What keeps state from events, told to forget it: the sockets (back for a snapshot), visio's slots. */
  private final List<Runnable> forgetters;

  FollowedDatabase(List<Runnable> forgetters) {
    this.forgetters = List.copyOf(forgetters);
  }

  /** The database the node follows from now on (its start). */
  void follow(String stream) {
    this.stream = stream;
  }

  /** Whether {@code read} comes from the database followed so far, its events dispatched up to {@code lastDispatched}. */
  boolean stillFollowed(EventStore.Checked read, long lastDispatched) {
    return read.stream().equals(stream) && read.newestGiven() >= lastDispatched;
  }

  /**
   * Another database is followed from now on, from {@code now}: said once at WARN, and every forgetter told (each
   * whatever another one did).
   */
  void replacedBy(EventStore.Position now, long lastDispatched) {
    LOG.warn("event=event_stream_changed stream_before={} stream_now={} last_dispatched={} newest_now={} detail=\"the "
        + "database is another one (a failover, a restore): followed from its newest event, the sockets closed (1011) "
        + "to come back for a snapshot, what modules keep in memory from the events dropped\"", stream, now.stream(), lastDispatched,
        now.latestId());
    follow(now.stream());
    for (Runnable forgetter : forgetters) {
      try {
        forgetter.run();
      } catch (RuntimeException e) {
        LOG.error("event=event_stream_forget_failed", e);
      }
    }
  }
}
