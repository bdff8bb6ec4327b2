package fr.cantou.audit;

import fr.cantou.identity.CurrentUser;
import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.RequestLog;
import fr.cantou.platform.SpreadsheetText;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** HTTP adapter of the audit trail: {@code GET /api/admin/audit} (pages) and {@code …/export.csv}. */
public final class AuditRoutes implements ApiModule {
  private static final String[] HEADER = {"horodatage", "acteur", "utilisateur", "identifiant utilisateur", "rôle",
      "catégorie", "action", "objet", "identifiant objet", "adresse", "motif", "identifiant écran", "écran"};

  private static final List<String> FILTERS = List.of("userId", "itemId", "reference", "itemKind", "kind", "from", "to");

  private final AuditService audit;

  AuditRoutes(AuditService audit) {
    this.audit = audit;
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("auditTrail").addHandler(Endpoint.ok(ctx -> {
      Principal p = CurrentUser.require(ctx);
      String limit = ctx.queryParams().get("limit");
      return audit.page(p, filter(ctx), asked(ctx), blankToNull(ctx.queryParams().get("cursor")),
          limit == null ? null : integer(limit));
    }));
    api.getRoute("auditTrailCsv").addHandler(this::export);
  }

  /**
   * Written page by page as the trail is read (never held whole); the headers go with the first
   * page, so that a refusal or a database away before it is still a problem document.
   */
  private void export(RoutingContext ctx) {
    RequestLog.remember(ctx);
    HttpServerResponse response = ctx.response();
    boolean[] started = {false};
    Runnable begin = () -> {
      if (!started[0]) {
        started[0] = true;
        response.setChunked(true)
            .putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"cantou-journal-des-acces.csv\"")
            .putHeader("Cache-Control", "no-store")
            .write("\uFEFF" + csv(printer -> printer.printRecord((Object[]) HEADER)));
      }
    };
    Future<Boolean> written;
    try {
      written = audit.export(CurrentUser.require(ctx), filter(ctx), asked(ctx), entries -> {
        begin.run();
        return response.write(csv(printer -> {
          for (AuditEntry e : entries) {
            printer.printRecord(row(e));
          }
        }));
      });
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    written.onSuccess(cut -> {
      begin.run();
      response.end(cut ? csv(printer -> printer.printRecord("(export limité à " + AuditService.EXPORT_MAX
          + " lignes : précisez les filtres ou la période)")) : "");
    }).onFailure(e -> {
      if (started[0]) {
        response.reset();
      } else {
        ctx.fail(e);
      }
    });
  }

  /** Every cell a spreadsheet must show as text: names, reasons and addresses come from what people typed. */
  static List<String> row(AuditEntry e) {
    // A screen's own line names the screen where a person's name would be.
    String who = e.userName() == null && e.screenLabel() != null ? "écran : " + e.screenLabel() : e.userName();
    return java.util.stream.Stream.of(e.at().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), e.actor(), who,
            e.userId(), e.userRole(), e.category(), e.action(), e.itemKind(), e.itemId(), e.address(), e.reason(),
            e.screenId(), e.screenLabel())
        .map(SpreadsheetText::of).toList();
  }

  private interface Rows {
    void print(CSVPrinter printer) throws IOException;
  }

  private static String csv(Rows rows) {
    StringBuilder out = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(out, SpreadsheetText.CSV)) {
      rows.print(printer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The filters as asked ("kind=read&from=2026-12-01"), for the line that records this reading of
   * the trail. A reference is said to have been asked, not written: a patient's reference is
   * erased from her requests after their retention, and the trail is kept longer.
   */
  private static String asked(RoutingContext ctx) {
    return FILTERS.stream().filter(name -> blankToNull(ctx.queryParams().get(name)) != null)
        .map(name -> name + "=" + ("reference".equals(name) ? "…" : blankToNull(ctx.queryParams().get(name))))
        .collect(java.util.stream.Collectors.joining("&"));
  }

  private AuditFilter filter(RoutingContext ctx) {
    String user = blankToNull(ctx.queryParams().get("userId"));
    UUID userId = user == null ? null : Ids.uuid(user)
        .orElseThrow(() -> ApiException.badRequest("Invalid query parameter 'userId': the id of a user."));
    String itemId = blankToNull(ctx.queryParams().get("itemId"));
    ZoneId zone = audit.zone();
    LocalDate from = date(ctx, "from");
    LocalDate to = date(ctx, "to");
    if (from != null && to != null && to.isBefore(from)) {
      throw ApiException.badRequest("Invalid query parameter 'to': before 'from'.");
    }
    return new AuditFilter(userId, itemId == null ? null : itemId.toLowerCase(java.util.Locale.ROOT),
        blankToNull(ctx.queryParams().get("reference")), blankToNull(ctx.queryParams().get("itemKind")), blankToNull(ctx.queryParams().get("kind")),
        from == null ? null : from.atStartOfDay(zone).toInstant(),
        to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant());
  }

  private static LocalDate date(RoutingContext ctx, String name) {
    String value = blankToNull(ctx.queryParams().get(name));
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("Invalid query parameter '{0}': a date such as 2026-12-01.", name);
    }
  }

  private static int integer(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid query parameter 'limit': from 1 to {0}.", AuditService.MAX_LIMIT);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
