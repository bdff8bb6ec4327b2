package fr.cantou.teleconsult;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What {@link PushAudit} remembers of the events it audited lately, so that one read is one line:
 * an event reaches its sockets within milliseconds, on every loop; remembering it
 * {@value #REMEMBER_MS} ms also covers a loop that a busy machine starved, a flush that fell
 * between two of its loops, and a catch-up's resend a moment after the live push. Not thread-safe:
 * touched by one flush at a time.
 *
 * <p>A batch of reads in which no one may be read elsewhere too is kept as it came, never
 * compared read by read (a loop's batch holds each person at each address once). The first batch
 * of an event that needs a comparison turns the event's reads into a set, and its later batches
 * are compared with it. Comparing every read of every event instead was a sixth of a 1,000-doctor
 * fan-out's node time (docs/benchmarks.md, session 18).
 */
final class RecentReads {
  static final long REMEMBER_MS = 10_000;
  /** Reads remembered at most, all events together (the oldest events are forgotten first). */
  static final int MAX_REMEMBERED = 500_000;

  /** One read: a person, at an address. */
  private record Read(UUID userId, String address) {}

  /** Reads kept as they came: {@code readers[i]} at {@code addresses[i]}. */
  private record Batch(UUID[] readers, String[] addresses) {}

  /** The events in the order they came. */
  private final LinkedHashMap<Long, EventReads> events = new LinkedHashMap<>();
  private int remembered;

  /**
   * The places of these reads of the event that it has not had lately (null: all of them); they
   * are remembered for the comparisons to come. {@code compare}: one of them at least may have
   * been read elsewhere too (or resent).
   */
  BitSet take(long eventId, UUID[] readers, String[] addresses, boolean compare, long now) {
    forgetBefore(now - REMEMBER_MS);
    BitSet fresh = events.computeIfAbsent(eventId, id -> new EventReads(now)).take(readers, addresses, compare);
    remembered += readers.length;
    forgetOverMax();
    return fresh;
  }

  private static final class EventReads {
    private final long since;
    private List<Batch> uncompared = new ArrayList<>(2);
    private Set<Read> compared;
    private int count;

    EventReads(long since) {
      this.since = since;
    }

    BitSet take(UUID[] readers, String[] addresses, boolean compare) {
      count += readers.length;
      if (compared == null && !compare) {
        uncompared.add(new Batch(readers, addresses));
        return null;
      }
      if (compared == null) {
        compared = new HashSet<>();
        for (Batch earlier : uncompared) {
          addAll(earlier.readers(), earlier.addresses(), null);
        }
        uncompared = null;
      }
      BitSet fresh = new BitSet(readers.length);
      addAll(readers, addresses, fresh);
      return fresh;
    }

    private void addAll(UUID[] readers, String[] addresses, BitSet fresh) {
      for (int i = 0; i < readers.length; i++) {
        if (compared.add(new Read(readers[i], addresses[i])) && fresh != null) {
          fresh.set(i);
        }
      }
    }
  }

  /** The events remembered since before {@code limit} are forgotten. */
  private void forgetBefore(long limit) {
    Iterator<EventReads> oldest = events.values().iterator();
    EventReads event;
    while (oldest.hasNext() && (event = oldest.next()).since < limit) {
      remembered -= event.count;
      oldest.remove();
    }
  }

  /** The oldest events are forgotten while more reads than {@value #MAX_REMEMBERED} are remembered. */
  private void forgetOverMax() {
    Iterator<EventReads> oldest = events.values().iterator();
    while (remembered > MAX_REMEMBERED && oldest.hasNext()) {
      remembered -= oldest.next().count;
      oldest.remove();
    }
  }
}
