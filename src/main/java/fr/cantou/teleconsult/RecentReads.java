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
 * {@value #REMEMBER_MS} ms (by the time of its pushes, not of the flush that judges them) also
 * covers a loop that a busy machine starved, a flush that fell between two of its loops, and a
 * catch-up's resend a moment after the live push. Not thread-safe: touched by one flush at a time.
 *
 * <p>Only the reads that may be had twice are compared: those of a person holding sockets on
 * several loops of the node (each of her loops marks them), and resends. The others are kept as
 * they came (a loop's reads hold each person at each address once), and turned into a set only
 * when a resend of the event needs them. Comparing every read of every event instead was a sixth
 * of a 1,000-doctor fan-out's node time (docs/benchmarks.md, session 18). The price, an extra line,
 * never a missing one: a person whose socket on a second loop is greeted (or whose last socket on
 * one loop closes while one opens on another) between the two loops' pushes of one event, at one
 * address, has two lines of it.
 */
final class RecentReads {
  static final long REMEMBER_MS = 10_000;
  /** Reads remembered at most, all events together (the oldest events are forgotten first). */
  static final int MAX_REMEMBERED = 500_000;

  /** One read: a person, at an address. */
  private record Read(UUID userId, String address) {}

  /** Reads as they came: {@code readers[i]} at {@code addresses[i]}. */
  private record Batch(UUID[] readers, String[] addresses) {}

  /** The events in the order they came. */
  private final LinkedHashMap<Long, EventReads> events = new LinkedHashMap<>();
  private int remembered;

  /**
   * The places of these reads of the event, pushed at {@code at} (epoch ms), that it has not had
   * lately (null: all of them); they are remembered for the comparisons to come. {@code compare}
   * marks the reads that may have been had already (null: none); {@code resent}: all of them.
   */
  BitSet take(long eventId, UUID[] readers, String[] addresses, BitSet compare, boolean resent, long at) {
    forgetBefore(at - REMEMBER_MS);
    EventReads event = events.get(eventId);
    if (event == null) {
      event = new EventReads(at);
      events.put(eventId, event);
    }
    BitSet fresh = event.take(new Batch(readers, addresses), compare, resent);
    remembered += readers.length;
    forgetOverMax();
    return fresh;
  }

  private static final class EventReads {
    private final long since;
    /** Every batch, while no resend needed them all in one set. */
    private List<Batch> batches = new ArrayList<>(2);
    /** The reads compared so far: of people held on several loops. */
    private final Set<Read> compared = new HashSet<>();
    /** Every read, once a resend asked for them: from then on every read is compared with it. */
    private Set<Read> all;
    private int count;

    EventReads(long since) {
      this.since = since;
    }

    BitSet take(Batch batch, BitSet compare, boolean resent) {
      count += batch.readers().length;
      if (resent && all == null) {
        all = new HashSet<>();
        batches.forEach(earlier -> {
          for (int i = 0; i < earlier.readers().length; i++) {
            all.add(read(earlier, i));
          }
        });
        batches = null;
      }
      if (all == null) {
        batches.add(batch);
        if (compare == null) {
          return null;
        }
      }
      BitSet fresh = new BitSet(batch.readers().length);
      for (int i = 0; i < batch.readers().length; i++) {
        boolean isNew = all != null ? all.add(read(batch, i)) : !compare.get(i) || compared.add(read(batch, i));
        if (isNew) {
          fresh.set(i);
        }
      }
      return fresh;
    }

    private static Read read(Batch batch, int i) {
      return new Read(batch.readers()[i], batch.addresses()[i]);
    }
  }

  /** Every event forgotten: their ids mean other events now (the node follows another database). */
  void forgetAll() {
    events.clear();
    remembered = 0;
  }

  /** The events whose first push is older than {@code limit} are forgotten. */
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
