package fr.cantou.audit;

import fr.cantou.identity.AccessAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit trail, for admins only: pages of lines newest first (a page says where the next one
 * starts), the same lines as a file, and the retention that deletes lines older than
 * {@code audit.retentionDays}.
 */
public final class AuditService {
  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  /** The export reads the trail a page at a time and writes each page before reading the next. */
  static final int EXPORT_PAGE = 1_000;
  /** A bigger export is cut here (the filters narrow it); the file's last line says so. */
  static final int EXPORT_MAX = 100_000;
  private static final int PURGE_BATCH = 1_000;
  private static final int PURGE_BATCHES_PER_RUN = 50;
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,19})\\.([" + AuditStore.LETTERS + "])\\.(\\d{1,19})");

  private final Platform platform;
  private final AuditStore store;
  private final Duration kept;

  AuditService(Platform platform, AuditStore store) {
    this.platform = platform;
    this.store = store;
    this.kept = AuditConfig.from(platform.config().settings()).kept();
  }

  /** {@code next}: the cursor of the page after this one, null on the last page. */
  public record Page(List<AuditEntry> items, String next) {}

  /** {@code asked}: the filters as the admin gave them, written with her reading (one line per page). */
  public Future<Page> page(Principal p, AuditFilter filter, String asked, String cursor, Integer limit) {
    if (!p.is(Role.ADMIN)) {
      return refused(p, asked);
    }
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'limit': from 1 to {0}.", MAX_LIMIT));
    }
    Optional<AuditStore.Position> from = cursor == null ? Optional.empty() : position(cursor);
    if (cursor != null && from.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'cursor': give back the 'next' of the page before."));
    }
    return store.page(platform.pool(), filter, from.orElse(null), size + 1, zone())
        .compose(lines -> AccessAuditStore.trailRead(platform.pool(), p, "audit.read", asked, platform.clock().instant())
            .map(lines))
        .map(lines -> {
          List<AuditStore.Line> shown = lines.subList(0, Math.min(size, lines.size()));
          String next = lines.size() > size ? cursor(shown.get(shown.size() - 1).position()) : null;
          return new Page(shown.stream().map(AuditStore.Line::entry).toList(), next);
        });
  }

  /**
   * Every line matching, newest first, handed to {@code write} a page at a time (the next page is
   * read once the last is written); at most {@value #EXPORT_MAX}. True when lines were left out.
   */
  public Future<Boolean> export(Principal p, AuditFilter filter, String asked,
                                 Function<List<AuditEntry>, Future<Void>> write) {
    if (!p.is(Role.ADMIN)) {
      return refused(p, asked);
    }
    // Written before the first line: an export cut short is still in the trail.
    return AccessAuditStore.trailRead(platform.pool(), p, "audit.exported", asked, platform.clock().instant())
        .compose(v -> exportFrom(filter, null, 0, write));
  }

  private Future<Boolean> exportFrom(AuditFilter filter, AuditStore.Position from, int written,
                                     Function<List<AuditEntry>, Future<Void>> write) {
    int size = Math.min(EXPORT_PAGE, EXPORT_MAX - written);
    return store.page(platform.pool(), filter, from, size + 1, zone()).compose(lines -> {
      List<AuditStore.Line> page = lines.subList(0, Math.min(size, lines.size()));
      Future<Void> done = page.isEmpty() ? Future.succeededFuture()
          : write.apply(page.stream().map(AuditStore.Line::entry).toList());
      if (lines.size() <= size) {
        return done.map(false);
      }
      int total = written + page.size();
      return total >= EXPORT_MAX ? done.map(true)
          : done.compose(v -> exportFrom(filter, page.get(page.size() - 1).position(), total, write));
    });
  }

  /** Retention: lines older than {@code audit.retentionDays}, table by table, in short batches; counts only in the log. */
  public Future<Integer> purge() {
    Instant before = platform.clock().instant().minus(kept);
    return Futures.inOrder(AuditStore.TABLES, table -> Futures.inBatches(
            () -> store.purgeBatch(platform.pool(), table, before, PURGE_BATCH), PURGE_BATCH, PURGE_BATCHES_PER_RUN))
        .map(counts -> counts.stream().mapToInt(Integer::intValue).sum())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("event=retention kind=audit deleted={}", n);
          }
        });
  }

  /** The département's zone: the one of its organisations by default, the one of the admin pages. */
  ZoneId zone() {
    return platform.config().defaultTimeZone();
  }

  /** A non-admin probing the trail is refused, and that is a line of it (not one per request of a loop). */
  private <T> Future<T> refused(Principal p, String asked) {
    return AccessAuditStore.trailDenied(platform.pool(), p, asked, platform.clock().instant())
        .compose(v -> Future.failedFuture(NOT_ADMIN));
  }

  private static final ApiException NOT_ADMIN = ApiException.forbidden("The audit trail is for the département's administrators.");

  static String cursor(AuditStore.Position position) {
    long micros = Math.addExact(Math.multiplyExact(position.at().getEpochSecond(), 1_000_000L), position.at().getNano() / 1_000);
    return micros + "." + position.source() + "." + position.id();
  }

  /** The position a cursor gives back; empty when it is not one this server wrote. */
  static Optional<AuditStore.Position> position(String cursor) {
    Matcher m = CURSOR.matcher(cursor);
    try {
      if (m.matches()) {
        long micros = Long.parseLong(m.group(1));
        Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        return Optional.of(new AuditStore.Position(at, m.group(2), Long.parseLong(m.group(3))));
      }
    } catch (NumberFormatException | java.time.DateTimeException e) {
      // Not a cursor of this server.
    }
    return Optional.empty();
  }
}
