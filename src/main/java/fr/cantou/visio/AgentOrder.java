package fr.cantou.visio;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * In which order a booking tries the agents free for its slot: the least loaded that day first
 * (fairness), and among equally loaded agents a different first one for each slot of the day.
 * Concurrent bookings of a day's slots therefore start with different agents instead of all
 * queueing behind the same one; the order still depends only on the slot and the loads, so
 * it is the same on every node and in every test.
 */
final class AgentOrder {
  private AgentOrder() {}

  static List<AgentChoice> of(List<SlotCalculator.AgentCalendar> agents, List<UUID> free, Map<UUID, Integer> loads,
                              Instant start, Duration duration) {
    List<AgentChoice> choices = new ArrayList<>();
    for (SlotCalculator.AgentCalendar agent : agents) {
      if (free.contains(agent.agentId())) {
        choices.add(new AgentChoice(agent.agentId(), agent.buffer(), loads.getOrDefault(agent.agentId(), 0)));
      }
    }
    choices.sort(Comparator.comparingInt(AgentChoice::load).thenComparing(a -> a.agentId().toString()));
    long slotNumber = start.getEpochSecond() / Math.max(1, duration.getSeconds());
    List<AgentChoice> out = new ArrayList<>(choices.size());
    int from = 0;
    while (from < choices.size()) {
      int to = from;
      while (to < choices.size() && choices.get(to).load() == choices.get(from).load()) {
        to++;
      }
      List<AgentChoice> tied = choices.subList(from, to);
      int first = (int) Math.floorMod(slotNumber, (long) tied.size());
      out.addAll(tied.subList(first, tied.size()));
      out.addAll(tied.subList(0, first));
      from = to;
    }
    return out;
  }
}
