package fr.cantou.visio;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An agent's booked periods, kept sorted by start. They never overlap (the exclusion
 * constraint), so their ends are sorted too, and "is anything booked in [a, b)" is one binary
 * search, with nothing made per question: a booking asks it of every agent near its slot.
 */
final class BookedPeriods {
  private BookedPeriods() {}

  /**
   * The same list when sorted already and without overlaps (as read, the constraint holding),
   * else a sorted copy with overlapping periods merged: {@link #meet} stays right either way.
   */
  static List<SlotCalculator.Interval> byStart(List<SlotCalculator.Interval> busy) {
    for (int i = 1; i < busy.size(); i++) {
      if (busy.get(i).start().isBefore(busy.get(i - 1).end())) {
        return merged(busy);
      }
    }
    return busy;
  }

  private static List<SlotCalculator.Interval> merged(List<SlotCalculator.Interval> busy) {
    List<SlotCalculator.Interval> sorted = new ArrayList<>(busy);
    sorted.sort(Comparator.comparing(SlotCalculator.Interval::start));
    List<SlotCalculator.Interval> out = new ArrayList<>(sorted.size());
    for (SlotCalculator.Interval next : sorted) {
      SlotCalculator.Interval last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && next.start().isBefore(last.end())) {
        out.set(out.size() - 1, new SlotCalculator.Interval(last.start(), next.end().isAfter(last.end()) ? next.end() : last.end()));
      } else {
        out.add(next);
      }
    }
    return List.copyOf(out);
  }

  /** Whether a period of {@code sorted} meets [from, to). */
  static boolean meet(List<SlotCalculator.Interval> sorted, Instant from, Instant to) {
    int low = 0;
    int high = sorted.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (sorted.get(mid).end().isAfter(from)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low < sorted.size() && sorted.get(low).start().isBefore(to);
  }
}
