package fr.cantou.visio;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Is anything booked in [a, b)" answered by one binary search gives what looking through every
 * booked period gives, whatever order the periods come in and even if some overlap (the
 * exclusion constraint forbids it; the answer does not rest on it).
 */
class BookedPeriodsTest {
  private static final Instant NINE = Instant.parse("2027-03-03T08:00:00Z");

  @Test
  void a_binary_search_answers_as_a_look_through_every_period_in_any_order_and_with_overlaps() {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      List<SlotCalculator.Interval> periods = new ArrayList<>();
      for (int i = random.nextInt(8); i > 0; i--) {
        Instant start = NINE.plus(Duration.ofMinutes(5L * random.nextInt(100)));
        periods.add(new SlotCalculator.Interval(start, start.plus(Duration.ofMinutes(5L + 5L * random.nextInt(12)))));
      }
      List<SlotCalculator.Interval> kept = BookedPeriods.byStart(periods);
      for (int q = 0; q < 40; q++) {
        Instant from = NINE.plus(Duration.ofMinutes(5L * random.nextInt(110)));
        Instant to = from.plus(Duration.ofMinutes(5L + 5L * random.nextInt(6)));
        boolean any = periods.stream().anyMatch(p -> p.overlaps(from, to));
        assertThat(BookedPeriods.meet(kept, from, to)).as("%s in [%s, %s)", periods, from, to).isEqualTo(any);
      }
    }
  }
}
