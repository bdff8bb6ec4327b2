package fr.cantou.realtime;

import io.vertx.core.Future;

import java.util.List;
import java.util.Set;

/**
 * A feature's word on the events a resuming socket missed. An event went to its audience as it
 * was when written; since then its item's audience may have narrowed (a request another doctor
 * took has left the pool), and a replay shows what HTTP shows now, like a snapshot would.
 */
public interface ReplayCheck {
  /** The ids of those of {@code events} the viewer may no longer see as they were written: they are not replayed. */
  Future<Set<Long>> withheld(Viewer viewer, List<EventRecord> events);
}
