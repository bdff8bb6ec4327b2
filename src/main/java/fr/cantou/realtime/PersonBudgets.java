package fr.cantou.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages a feature handles (a call's "joined"/"left", which write lines), budgeted per
 * person on this node, whatever number of sockets she opens: per user for staff, per
 * appointment for a citizen's manage link. Each socket keeps its own budget of frames
 * ({@link MessageBudget}) besides. A person's bucket is shared by her sockets on every event
 * loop: it is taken under the map's lock of its key, and forgotten at the heartbeat once full
 * again (the map holds the people who sent such messages lately, no one else).
 */
final class PersonBudgets {
  /** Ten call messages at once (a page joining and leaving a few times), then one every 3 seconds. */
  static final int BURST = 10;
  static final double PER_SECOND = 1.0 / 3;

  private final Map<String, MessageBudget> budgets = new ConcurrentHashMap<>();

  /** Takes one message of this viewer's person; false when she is over her budget. */
  boolean take(Viewer viewer, long nowNanos) {
    boolean[] taken = new boolean[1];
    budgets.compute(key(viewer), (key, budget) -> {
      MessageBudget b = budget == null ? new MessageBudget(nowNanos, BURST, PER_SECOND) : budget;
      taken[0] = b.take(nowNanos);
      return b;
    });
    return taken[0];
  }

  /** Forgets the full buckets (each under its key's lock: a message taken meanwhile is not lost). */
  void forgetIdle(long nowNanos) {
    budgets.keySet().forEach(key -> budgets.computeIfPresent(key, (k, b) -> b.full(nowNanos) ? null : b));
  }

  int size() {
    return budgets.size();
  }

  private static String key(Viewer viewer) {
    return viewer.principal() != null ? "user:" + viewer.principal().userId()
        : viewer.device() != null ? "device:" + viewer.device() : "appointment:" + viewer.appointmentId();
  }
}
