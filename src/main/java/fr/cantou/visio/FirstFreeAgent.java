package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Writes an appointment's period with the first agent, in the order given, whose time can be
 * locked at once and whose write PostgreSQL accepts. Nobody waits on a lock: an agent whose
 * time another request is writing is passed over at once, and tried again a few milliseconds
 * later (off the database) only when no other agent took the write, if the node still finds it
 * free then. The exclusion constraints judge every write; an agent they refuse (or found away
 * under its lock) is not tried again.
 * <p>
 * The locks are the database's ({@link BookingStore#tryLockPeriods}), so nodes never meet on
 * them either; this node also remembers the pieces of time its own requests are writing, so
 * that its requests for a time already being written skip the database round trip.
 */
final class FirstFreeAgent {
  /** A write with one agent, under its locks; fails with {@link #AGENT_AWAY} when leave entered meanwhile covers the slot. */
  interface Write<T> {
    Future<T> apply(SqlClient tx, AgentChoice agent);
  }

  /** Said by a write, inside the transaction, when leave entered meanwhile covers the slot: try the next agent. */
  static final ApiException AGENT_AWAY = ApiException.conflict("The agent is away at this time.");
  /** The calendars show no agent free for the slot. */
  static final ApiException NOT_FREE = ApiException.conflict("This slot is no longer free. Please choose another one.");
  /** Agents were free, and the database refused each of them: the slot was taken meanwhile. */
  static final ApiException TAKEN = ApiException.conflict("This slot was just taken. Please choose another one.");
  /** Others kept writing these agents' time for this long: the client may try again. */
  static final Duration PATIENCE = Duration.ofSeconds(5);
  private static final long LONGEST_PAUSE_MS = 40;

  private final Platform platform;
  private final BookingStore store;
  /** Pieces of time this node's requests are writing now (see {@link BookingStore#tryLockPeriods}). */
  private final Set<String> writing = ConcurrentHashMap.newKeySet();

  FirstFreeAgent(Platform platform, BookingStore store) {
    this.platform = platform;
    this.store = store;
  }

  /** The period of the write: the agent is blocked from {@code start} to {@code end} plus its buffer, the point to {@code end}. */
  record Period(Instant start, Instant end, UUID pointId) {}

  /**
   * @param candidates the agents free for the slot as the node knows them now, in the order to try them;
   *                   asked again before each new round
   * @param committed  told of the result once committed, before the agents' time is released on this node
   */
  <T> Future<T> write(Supplier<Future<List<AgentChoice>>> candidates, Period period, Write<T> write, Consumer<T> committed) {
    return candidates.get().compose(agents -> agents.isEmpty() ? Future.failedFuture(NOT_FREE)
        : round(agents, candidates, new Attempt<>(period, write, committed, System.nanoTime() + PATIENCE.toNanos()), 0));
  }

  private record Attempt<T>(Period period, Write<T> write, Consumer<T> committed, long deadline) {}

  private <T> Future<T> round(List<AgentChoice> agents, Supplier<Future<List<AgentChoice>>> candidates, Attempt<T> attempt,
                              int round) {
    if (agents.isEmpty()) {
      return Future.failedFuture(TAKEN);
    }
    List<AgentChoice> busy = new ArrayList<>();
    return walk(agents, attempt, busy).compose(done -> {
      if (done != null) {
        return Future.succeededFuture(done);
      }
      if (busy.isEmpty()) {
        return Future.failedFuture(TAKEN);
      }
      if (System.nanoTime() - attempt.deadline() > 0) {
        return Future.failedFuture(ApiException.conflict("Many people are booking this time right now. Please try again."));
      }
      // Another request is writing this time; it commits within milliseconds. A short, growing,
      // jittered pause keeps the retries from meeting again; then only the busy agents the node
      // still finds free are tried (after a booking, its day is read again, once for all).
      long pause = 1 + ThreadLocalRandom.current().nextLong(Math.min(LONGEST_PAUSE_MS, 2L << round));
      Set<UUID> again = busy.stream().map(AgentChoice::agentId).collect(Collectors.toSet());
      return platform.vertx().timer(pause, TimeUnit.MILLISECONDS)
          .compose(v -> candidates.get())
          .compose(now -> round(now.stream().filter(a -> again.contains(a.agentId())).toList(), candidates, attempt,
              round + 1));
    });
  }

  /**
   * Tries the agents in one transaction as long as none fails in the database (a busy lock or
   * leave is no failure), in a new one after an agent refused by the exclusion constraint.
   * Null when no agent took the write; the busy ones are added to {@code busy}.
   */
  private <T> Future<T> walk(List<AgentChoice> agents, Attempt<T> attempt, List<AgentChoice> busy) {
    if (agents.isEmpty()) {
      return Future.succeededFuture();
    }
    // No connection is taken for agents whose time this node is writing already.
    List<String> claimed = new ArrayList<>();
    int first = 0;
    while (first < agents.size() && !claim(pieces(agents.get(first), attempt.period()), claimed)) {
      busy.add(agents.get(first++));
    }
    if (first == agents.size()) {
      return Future.succeededFuture();
    }
    int[] tried = {first};
    return platform.pool().<T>withTransaction(tx -> next(tx, agents, attempt, busy, tried, claimed))
        .onSuccess(done -> {
          if (done != null) {
            attempt.committed().accept(done);
          }
        })
        .onComplete(ignored -> claimed.forEach(writing::remove))
        .recover(e -> {
          if (Refused.is(e, VisioStore.Refusal.AGENT_TAKEN)) {
            return walk(agents.subList(tried[0], agents.size()), attempt, busy);
          }
          if (Refused.is(e, VisioStore.Refusal.REFERENCE_DRAWN_TWICE)) {
            // Two references drawn alike (rare): the same agent again, with a new one.
            return walk(agents.subList(tried[0] - 1, agents.size()), attempt, busy);
          }
          return Future.failedFuture(e);
        });
  }

  private <T> Future<T> next(SqlClient tx, List<AgentChoice> agents, Attempt<T> attempt, List<AgentChoice> busy, int[] tried,
                             List<String> claimed) {
    if (tried[0] >= agents.size()) {
      return Future.succeededFuture();
    }
    AgentChoice agent = agents.get(tried[0]++);
    Period period = attempt.period();
    Instant blockedUntil = period.end().plus(agent.buffer());
    if (!claim(pieces(agent, period), claimed)) {
      busy.add(agent);
      return next(tx, agents, attempt, busy, tried, claimed);
    }
    return store.tryLockPeriods(tx, agent.agentId(), period.start(), blockedUntil, period.pointId(), period.end())
        .compose(locked -> {
          if (!locked) {
            busy.add(agent);
            return next(tx, agents, attempt, busy, tried, claimed);
          }
          return attempt.write().apply(tx, agent)
              .recover(e -> e == AGENT_AWAY ? next(tx, agents, attempt, busy, tried, claimed) : Future.failedFuture(e));
        });
  }

  /** The same pieces as {@link BookingStore#tryLockPeriods} locks, named for this node's memory. */
  private static List<String> pieces(AgentChoice agent, Period period) {
    List<String> out = new ArrayList<>();
    Instant blockedUntil = period.end().plus(agent.buffer());
    for (Long p : BookingStore.pieces(period.start(), blockedUntil)) {
      out.add("agent:" + agent.agentId() + "@" + p);
    }
    if (period.pointId() != null) {
      for (Long p : BookingStore.pieces(period.start(), period.end())) {
        out.add("point:" + period.pointId() + "@" + p);
      }
    }
    return out;
  }

  /** All the pieces, or none (those this request already holds count as its own). */
  private boolean claim(List<String> pieces, List<String> claimed) {
    List<String> mine = new ArrayList<>();
    for (String piece : pieces) {
      if (claimed.contains(piece)) {
        continue;
      }
      if (!writing.add(piece)) {
        mine.forEach(writing::remove);
        return false;
      }
      mine.add(piece);
    }
    claimed.addAll(mine);
    return true;
  }
}
