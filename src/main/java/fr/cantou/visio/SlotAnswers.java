package fr.cantou.visio;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import fr.cantou.platform.json.EncodedJson;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Whole answers of the slots route, per (service, point, from, to): the JSON bytes (and their gzip
 * form once a client accepts it, {@link EncodedJson}), so that asking again for the same month is
 * one look-up and the same bytes written again, instead of the month's days looked up, filtered by
 * the time now and copied into a new buffer for every request. An answer is served only while it
 * is true: it is dropped by every change of its calendars this node knows of (the hooks of
 * {@link SlotCache}: a booking, move or cancellation made here or seen in another node's event,
 * leave, ranges, a service or point changed), it holds only until the first instant a slot of its
 * days enters or leaves its bookable window (the notice and horizon of its agents, by the
 * platform's clock), and no longer than its oldest day may be kept ({@link SlotCache}'s refresh).
 * What is kept is bounded whatever clients ask: at most {@code maxAnswers} answers and
 * {@code maxBytes}, each weighed with its gzip form and its objects; only answers whose
 * {@code from} is between yesterday and the longest horizon an agent may have are kept (beyond,
 * no slot is bookable: nobody asks twice). A booking walks only the answers of its agent and of
 * its point (indexed by them); other changes walk every answer, at most {@code maxAnswers}.
 */
final class SlotAnswers {
  record Key(UUID serviceId, UUID pointId, LocalDate from, LocalDate to) {}

  /**
   * One answer, true while the time now is in {@code since}–{@code until} (included, excluded)
   * and {@link System#nanoTime()} is before {@code expiresAt}; made from the bookings and leave of
   * {@code readFrom}–{@code readTo}, of these {@code agents} and this point.
   */
  record Answer(EncodedJson json, Instant since, Instant until, long expiresAt, Instant readFrom, Instant readTo,
                Set<UUID> agents, UUID pointId) {
    boolean trueAt(Instant now, long nanos) {
      return !now.isBefore(since) && now.isBefore(until) && nanos - expiresAt < 0;
    }

    boolean dependsOn(Instant start, Instant end) {
      return start.isBefore(readTo) && readFrom.isBefore(end);
    }

    /** What it costs to keep: its bytes, its gzip form (at most about as many), its objects. */
    int weight() {
      return 2 * json.bytes().length() + 1024;
    }

    /** The same answer, its bytes copied off the heap (written to sockets with no copy), its gzip form made at the best level. */
    Answer kept() {
      Buffer heap = json.bytes();
      ByteBuffer direct = ByteBuffer.allocateDirect(heap.length()).put(heap.getBytes()).flip();
      return new Answer(EncodedJson.kept(BufferInternal.buffer(Unpooled.wrappedBuffer(direct))), since, until, expiresAt,
          readFrom, readTo, agents, pointId);
    }

    /** The answer of these days at {@code now}, on the heap. */
    static Answer of(UUID pointId, List<SlotDay> days, Instant now, long refreshNanos) {
      EncodedJson json = bookable(days, now);
      Instant since = Instant.MIN;
      Instant until = Instant.MAX;
      long expiresAt = System.nanoTime() + refreshNanos;
      Instant readFrom = Instant.MAX;
      Instant readTo = Instant.MIN;
      Set<UUID> agents = new HashSet<>();
      for (SlotDay day : days) {
        // The bookable slots change only where a window opens (its from) or closes (just after its until).
        for (SlotCalculator.OpenSlot slot : day.slots()) {
          for (SlotCalculator.Window window : slot.bookable()) {
            for (Instant edge : new Instant[] {window.from(), window.until().plusNanos(1)}) {
              if (edge.isAfter(now)) {
                until = edge.isBefore(until) ? edge : until;
              } else {
                since = edge.isAfter(since) ? edge : since;
              }
            }
          }
        }
        long dayExpires = day.readAt() + refreshNanos;
        if (dayExpires - expiresAt < 0) {
          expiresAt = dayExpires;
        }
        readFrom = day.readFrom().isBefore(readFrom) ? day.readFrom() : readFrom;
        readTo = day.readTo().isAfter(readTo) ? day.readTo() : readTo;
        if (day.calendars() != null) {
          day.calendars().agents().forEach(agent -> agents.add(agent.agentId()));
        }
      }
      return new Answer(json, since, until, expiresAt, readFrom, readTo, Set.copyOf(agents), pointId);
    }
  }

  /** The CHECK on {@code visio_agent_settings.horizon_days}: no slot further than this is ever bookable. */
  static final int LONGEST_HORIZON_DAYS = 365;

  private final Cache<Key, Answer> kept;
  private final boolean keeping;
  private final long refreshNanos;
  private final int maxAnswers;
  /** Taken by whoever keeps an answer and whoever drops answers, so that no answer made before a change is kept after it. */
  private final Object changing = new Object();
  /** Changes made so far; written under {@link #changing}. */
  private volatile long changes;
  /**
   * The keys of the answers naming each agent and point (under {@link #changing}): every answer
   * kept is there (added when kept); keys gone from {@link #kept} (least used, expired) are
   * pruned when walked, or all at once when they outnumber the bound.
   */
  private final Map<UUID, Set<Key>> byGroup = new HashMap<>();
  private int indexed;

  /**
   * @param maxBytes   bounds the memory (each answer weighed with its gzip form and objects); 0 keeps nothing.
   * @param maxAnswers bounds the number of answers, however small (each weighs at least {@code maxBytes / maxAnswers}).
   * @param refresh    how long the oldest day of an answer may be kept ({@link SlotCache}).
   */
  SlotAnswers(long maxBytes, int maxAnswers, Duration refresh) {
    long least = maxAnswers > 0 ? Math.max(1, maxBytes / maxAnswers) : 1;
    this.kept = Caffeine.newBuilder().maximumWeight(maxBytes)
        .weigher((Key key, Answer answer) -> (int) Math.min(Integer.MAX_VALUE, Math.max(least, answer.weight())))
        .expireAfterWrite(refresh).build();
    this.keeping = maxBytes > 0 && maxAnswers > 0;
    this.refreshNanos = refresh.toNanos();
    this.maxAnswers = maxAnswers;
  }

  /** How many answers are kept (the pending evictions done first). */
  long size() {
    kept.cleanUp();
    return kept.estimatedSize();
  }

  /** The answer kept for {@code key}, if it is still true at {@code now}; null otherwise. */
  Answer get(Key key, Instant now) {
    if (!keeping) {
      return null;
    }
    Answer answer = kept.getIfPresent(key);
    return answer != null && answer.trueAt(now, System.nanoTime()) ? answer : null;
  }

  /** To be read before the days an answer is made of: {@link #keep} keeps it only if nothing changed since. */
  long stamp() {
    return changes;
  }

  /** The answer of these days at {@code now}, kept unless a change was made since {@code stamp}. */
  EncodedJson answer(Key key, long stamp, List<SlotDay> days, Instant now) {
    if (!keeping) {
      return bookable(days, now);
    }
    Answer answer = Answer.of(key.pointId(), days, now, refreshNanos);
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (key.from().isBefore(today.minusDays(1)) || key.from().isAfter(today.plusDays(LONGEST_HORIZON_DAYS + 1))
        || changes != stamp) {
      return answer.json(); // made once, never asked again: not worth keeping, nor copying
    }
    Answer keeping = answer.kept();
    synchronized (changing) {
      if (changes == stamp) {
        kept.put(key, keeping);
        index(key, keeping);
      }
    }
    return keeping.json();
  }

  /**
   * A booking of {@code agentId} (at {@code pointId}, if not null), blocking from {@code start} to
   * {@code blockedUntil}: drops the answers over its period naming its agent or its point, walking
   * only those; answers how many it walked.
   */
  int booked(UUID agentId, UUID pointId, Instant start, Instant blockedUntil) {
    synchronized (changing) {
      changes++;
      Set<UUID> mine = pointId == null ? Set.of(agentId) : Set.of(agentId, pointId);
      Set<Key> walked = new HashSet<>();
      mine.forEach(group -> walked.addAll(byGroup.getOrDefault(group, Set.of())));
      for (Key key : walked) {
        Answer answer = kept.asMap().get(key);
        if (answer == null) {
          unindex(key, mine); // least used or expired: its other groups are pruned with the next rebuild
        } else if (answer.dependsOn(start, blockedUntil)
            && (answer.agents().contains(agentId) || pointId != null && pointId.equals(answer.pointId()))) {
          kept.asMap().remove(key, answer);
          unindex(key, groups(answer));
        }
      }
      return walked.size();
    }
  }

  /** Bookings from {@code start} to {@code blockedUntil} changed, whoever they were of. */
  void bookingsChanged(Instant start, Instant blockedUntil) {
    drop(a -> a.dependsOn(start, blockedUntil));
  }

  /** One day of a service and point was read again. */
  void dayRead(UUID serviceId, UUID pointId, LocalDate day) {
    dropKeys(k -> k.serviceId().equals(serviceId) && java.util.Objects.equals(k.pointId(), pointId)
        && !day.isBefore(k.from()) && !day.isAfter(k.to()));
  }

  /** Any calendar may differ. */
  void clear() {
    synchronized (changing) {
      changes++;
      kept.invalidateAll();
      byGroup.clear();
      indexed = 0;
    }
  }

  /** Under {@link #changing}: the key under the answer's groups; all rebuilt from what is kept once stale keys abound. */
  private void index(Key key, Answer answer) {
    if (indexed > 4 * maxAnswers + 64) {
      byGroup.clear();
      indexed = 0;
      kept.asMap().forEach(this::add);
    }
    add(key, answer);
  }

  private void add(Key key, Answer answer) {
    for (UUID group : groups(answer)) {
      if (byGroup.computeIfAbsent(group, g -> new HashSet<>()).add(key)) {
        indexed++;
      }
    }
  }

  /** Under {@link #changing}: the key no longer under these groups. */
  private void unindex(Key key, Set<UUID> groups) {
    for (UUID group : groups) {
      Set<Key> keys = byGroup.get(group);
      if (keys != null && keys.remove(key)) {
        indexed--;
        if (keys.isEmpty()) {
          byGroup.remove(group);
        }
      }
    }
  }

  private static Set<UUID> groups(Answer answer) {
    Set<UUID> groups = new HashSet<>(answer.agents());
    if (answer.pointId() != null) {
      groups.add(answer.pointId());
    }
    return groups;
  }

  /** The slots of these days bookable at {@code now}, as the JSON array of {@code {start, end}} the API answers. */
  private static EncodedJson bookable(List<SlotDay> days, Instant now) {
    Buffer out = Buffer.buffer(4096).appendByte((byte) '[');
    boolean first = true;
    for (SlotDay day : days) {
      for (int i = 0; i < day.slots().size(); i++) {
        if (day.slots().get(i).bookableAt(now)) {
          if (!first) {
            out.appendByte((byte) ',');
          }
          out.appendBytes(day.json().get(i));
          first = false;
        }
      }
    }
    return new EncodedJson(out.appendByte((byte) ']'));
  }

  private void drop(Predicate<Answer> changed) {
    synchronized (changing) {
      changes++;
      kept.asMap().values().removeIf(changed);
    }
  }

  private void dropKeys(Predicate<Key> changed) {
    synchronized (changing) {
      changes++;
      kept.asMap().keySet().removeIf(changed);
    }
  }
}
