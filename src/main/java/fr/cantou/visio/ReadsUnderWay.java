package fr.cantou.visio;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reads of days under way in the {@link SlotCache}, and the bookings made meanwhile: a read
 * may or may not have seen them, so each is taken in place once the read ends (taking a
 * booking twice changes nothing). Dropping the read instead made busy days be read again and
 * again: at a few hundred bookings a second, a booking of the same day almost always came
 * while its read was still under way.
 */
final class ReadsUnderWay {
  /** A booking seen while days were being read. */
  record Booking(UUID agentId, UUID pointId, Instant start, Instant end) {}

  /** One read of days, and the bookings made while it ran. */
  static final class Reading {
    private final Set<Booking> meanwhile = new LinkedHashSet<>();
    private boolean ended;

    /** False once the read has ended: the caller deals with the day read. */
    private synchronized boolean add(Booking booking) {
      if (ended) {
        return false;
      }
      meanwhile.add(booking);
      return true;
    }

    /** The bookings made while it ran; none is taken after this. */
    synchronized List<Booking> close() {
      ended = true;
      return List.copyOf(meanwhile);
    }
  }

  private final Map<SlotCache.DayKey, Reading> readings = new ConcurrentHashMap<>();

  /** A read of these days begins. */
  Reading start(List<SlotCache.DayKey> keys) {
    Reading reading = new Reading();
    keys.forEach(key -> readings.put(key, reading));
    return reading;
  }

  /** True when the read under way of this day will take the booking once it ends. */
  boolean tookMeanwhile(SlotCache.DayKey key, Booking booking) {
    Reading reading = readings.get(key);
    return reading != null && reading.add(booking);
  }

  void end(List<SlotCache.DayKey> keys, Reading reading) {
    keys.forEach(key -> readings.remove(key, reading));
  }
}
