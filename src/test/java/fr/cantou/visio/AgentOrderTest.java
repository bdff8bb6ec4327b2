package fr.cantou.visio;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which agent a booking tries first: the least loaded, and not the same one for every slot of a day. */
class AgentOrderTest {
  static final Duration HALF_HOUR = Duration.ofMinutes(30);
  static final Instant NINE = Instant.parse("2026-12-02T08:00:00Z");
  final List<SlotCalculator.AgentCalendar> agents = IntStream.range(0, 4)
      .mapToObj(i -> new SlotCalculator.AgentCalendar(new UUID(0, i), Duration.ZERO, Duration.ZERO, Duration.ofDays(60),
          List.of(), List.of(), List.of()))
      .toList();
  final List<UUID> all = agents.stream().map(SlotCalculator.AgentCalendar::agentId).toList();

  List<UUID> order(Map<UUID, Integer> loads, Instant start) {
    return AgentOrder.of(agents, all, loads, start, HALF_HOUR).stream().map(AgentChoice::agentId).toList();
  }

  @Test
  void equally_loaded_agents_are_tried_first_in_turn_slot_after_slot() {
    Set<UUID> firsts = new HashSet<>();
    for (int slot = 0; slot < 4; slot++) {
      List<UUID> order = order(Map.of(), NINE.plus(HALF_HOUR.multipliedBy(slot)));
      assertThat(order).as("every free agent is tried").containsExactlyInAnyOrderElementsOf(all);
      firsts.add(order.get(0));
    }
    assertThat(firsts).as("four consecutive slots, four different first agents").hasSize(4);
  }

  @Test
  void the_least_loaded_come_first_whatever_the_slot() {
    Map<UUID, Integer> loads = Map.of(all.get(0), 2, all.get(1), 0, all.get(2), 1, all.get(3), 0);
    for (int slot = 0; slot < 4; slot++) {
      List<UUID> order = order(loads, NINE.plus(HALF_HOUR.multipliedBy(slot)));
      assertThat(order.subList(0, 2)).containsExactlyInAnyOrder(all.get(1), all.get(3));
      assertThat(order.subList(2, 4)).containsExactly(all.get(2), all.get(0));
    }
  }

  @Test
  void the_order_depends_only_on_the_slot_and_the_loads() {
    Instant ten = NINE.plus(HALF_HOUR.multipliedBy(2));
    assertThat(order(Map.of(), ten)).isEqualTo(order(Map.of(), ten));
  }
}
