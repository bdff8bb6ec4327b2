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
import java.util.HashSet;
import java.util.List;
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

    /** The answer of these days at {@code now}, its bytes off the heap (written to sockets with no copy). */
    static Answer of(UUID pointId, List<SlotCache.Day> days, Instant now, long refreshNanos) {
      Buffer heap = bookable(days, now).bytes();
      ByteBuffer direct = ByteBuffer.allocateDirect(heap.length()).put(heap.getBytes()).flip();
      EncodedJson json = new EncodedJson(BufferInternal.buffer(Unpooled.wrappedBuffer(direct)));
      Instant since = Instant.MIN;
      Instant until = Instant.MAX;
      long expiresAt = System.nanoTime() + refreshNanos;
      Instant readFrom = Instant.MAX;
      Instant readTo = Instant.MIN;
      Set<UUID> agents = new HashSet<>();
      for (SlotCache.Day day : days) {
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

  private final Cache<Key, Answer> kept;
  private final boolean keeping;
  private final long refreshNanos;
  /** Taken by whoever keeps an answer and whoever drops answers, so that no answer made before a change is kept after it. */
  private final Object changing = new Object();
  /** Changes made so far; written under {@link #changing}. */
  private volatile long changes;

  /**
   * @param maxBytes bounds the memory (the JSON bytes; the gzip form, when made, is about a tenth more); 0 keeps nothing.
   * @param refresh  how long the oldest day of an answer may be kept ({@link SlotCache}).
   */
  SlotAnswers(long maxBytes, Duration refresh) {
    this.kept = Caffeine.newBuilder().maximumWeight(maxBytes)
        .weigher((Key key, Answer answer) -> answer.json().bytes().length() + 200)
        .expireAfterWrite(refresh).build();
    this.keeping = maxBytes > 0;
    this.refreshNanos = refresh.toNanos();
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
  EncodedJson answer(Key key, long stamp, List<SlotCache.Day> days, Instant now) {
    if (!keeping) {
      return bookable(days, now);
    }
    Answer answer = Answer.of(key.pointId(), days, now, refreshNanos);
    synchronized (changing) {
      if (changes == stamp) {
        kept.put(key, answer);
      }
    }
    return answer.json();
  }

  /** A booking of {@code agentId} (at {@code pointId}, if not null), blocking from {@code start} to {@code blockedUntil}. */
  void booked(UUID agentId, UUID pointId, Instant start, Instant blockedUntil) {
    drop(a -> a.dependsOn(start, blockedUntil) && (a.agents().contains(agentId) || pointId != null && pointId.equals(a.pointId())));
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
    }
  }

  /** The slots of these days bookable at {@code now}, as the JSON array of {@code {start, end}} the API answers. */
  private static EncodedJson bookable(List<SlotCache.Day> days, Instant now) {
    Buffer out = Buffer.buffer(4096).appendByte((byte) '[');
    boolean first = true;
    for (SlotCache.Day day : days) {
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
