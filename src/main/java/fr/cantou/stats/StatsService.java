package fr.cantou.stats;

import fr.cantou.platform.SpreadsheetText;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** Figures for the département's admins, over a period of days in the département's zone. */
public final class StatsService {
  private final Platform platform;
  private final StatsStore store;

  StatsService(Platform platform, StatsStore store) {
    this.platform = platform;
    this.store = store;
  }

  public Future<Overview> overview(Principal p, LocalDate from, LocalDate to) {
    if (!p.is(Role.ADMIN)) {
      return Future.failedFuture(ApiException.forbidden("Statistics are for the département's administrators."));
    }
    if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) > 366) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'to': after 'from', at most a year later."));
    }
    ZoneId zone = platform.config().defaultTimeZone();
    Instant start = from.atStartOfDay(zone).toInstant();
    Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
    var pool = platform.pool();
    var byOrganisation = store.teleconsultationsByOrganisation(pool, start, end);
    var bySpecialty = store.teleconsultationsBySpecialty(pool, start, end);
    var byKind = store.teleconsultationsByKind(pool, start, end);
    var waits = store.waits(pool, start, end);
    var total = store.teleconsultationCount(pool, start, end);
    var bookings = store.bookingsByDay(pool, start, end, zone.getId());
    var outcomes = store.appointmentOutcomes(pool, start, end);
    return Future.all(java.util.List.of(byOrganisation, bySpecialty, byKind, waits, total, bookings, outcomes)).map(all -> {
      StatsStore.Waits w = waits.result();
      StatsStore.Outcomes o = outcomes.result();
      return new Overview(from, to,
          new Overview.Teleconsultations(total.result(), byOrganisation.result(), bySpecialty.result(),
              round(w.medianMinutes()), round(w.p90Minutes()),
              byKind.result().stream().map(k -> new Overview.ByKind(k.kind(), k.count(), round(k.medianWaitMinutes()),
                  k.turnedIntoCall())).toList()),
          new Overview.Visio(bookings.result(), o.completed(), o.noShows(), o.cancelled()));
    });
  }

  /** The same figures, one line each, for a spreadsheet. */
  public Future<String> csv(Principal p, LocalDate from, LocalDate to) {
    return overview(p, from, to).map(o -> {
      StringWriter out = new StringWriter();
      try (CSVPrinter csv = new CSVPrinter(out, SpreadsheetText.CSV.builder().setHeader("indicateur", "clé", "valeur").get())) {
        csv.printRecord("période", "du", o.from());
        csv.printRecord("période", "au", o.to());
        csv.printRecord("téléconsultations", "total", o.teleconsultations().total());
        for (Overview.Named n : o.teleconsultations().byOrganisation()) {
          csv.printRecord("téléconsultations par établissement", SpreadsheetText.of(n.name()), n.count());
        }
        for (Overview.BySpecialty s : o.teleconsultations().bySpecialty()) {
          csv.printRecord("téléconsultations par spécialité", SpreadsheetText.of(s.specialty()), s.count());
        }
        for (Overview.ByKind k : o.teleconsultations().byKind()) {
          String kind = "opinion".equals(k.kind()) ? "avis écrit (téléexpertise)" : "téléconsultation vidéo";
          csv.printRecord("demandes par type", kind, k.count());
          csv.printRecord("attente médiane par type (minutes)", kind, k.medianWaitMinutes());
          if ("opinion".equals(k.kind())) {
            csv.printRecord("avis écrits devenus appels vidéo", kind, k.turnedIntoCall());
          }
        }
        csv.printRecord("attente (minutes)", "médiane", o.teleconsultations().medianWaitMinutes());
        csv.printRecord("attente (minutes)", "90e centile", o.teleconsultations().p90WaitMinutes());
        for (Overview.ByDate d : o.visio().bookings()) {
          csv.printRecord("rendez-vous visio par jour", d.date(), d.count());
        }
        csv.printRecord("rendez-vous visio", "honorés", o.visio().completed());
        csv.printRecord("rendez-vous visio", "absences", o.visio().noShows());
        csv.printRecord("rendez-vous visio", "annulés", o.visio().cancelled());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return out.toString();
    });
  }

  private static Double round(Double minutes) {
    return minutes == null ? null : Math.round(minutes * 10) / 10.0;
  }
}
