package fr.cantou.privacy;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** RGPD articles 15 and 17 for a person, by an admin on request: each item found is audited with her id and reason. */
public final class PersonalDataService {
  private final PersonalDataHolders.Citizens visio;
  private final PersonalDataHolders.Patients teleconsultations;
  private final Clock clock;

  PersonalDataService(PersonalDataHolders.Citizens visio, PersonalDataHolders.Patients teleconsultations, Clock clock) {
    this.visio = visio;
    this.teleconsultations = teleconsultations;
    this.clock = clock;
  }

  /**
   * {@code appointments}: visio-accueil's items; {@code waitingPlaces}: her open places on waiting lists (name and
   * contacts); {@code teleconsultations}: the care's (their own records).
   */
  public record Export(OffsetDateTime exportedAt, String reason, List<?> appointments, List<?> waitingPlaces,
                       List<?> teleconsultations) {}

  public record Erased(int appointments, int cancelled, int waitingPlaces, int teleconsultations) {}

  public Future<Export> export(Principal admin, PersonalDataRequest asked, String address) {
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return person(admin, asked).compose(person -> person.careHomeId() != null
        ? teleconsultations.export(admin, person.careHomeId(), asked.patientReference(), person.reason(), address)
            .map(items -> new Export(now, person.reason(), List.of(), List.of(), items))
        : visio.export(admin, person.citizen(), person.reason(), address)
            .map(held -> new Export(now, person.reason(), held.appointments(), held.waitingPlaces(), List.of())));
  }

  public Future<Erased> erase(Principal admin, PersonalDataRequest asked, String address) {
    return person(admin, asked).compose(person -> person.careHomeId() != null
        ? teleconsultations.erase(admin, person.careHomeId(), asked.patientReference(), person.reason(), address)
            .map(n -> new Erased(0, 0, 0, n))
        : visio.erase(admin, person.citizen(), person.reason(), address)
            .map(done -> new Erased(done.erased(), done.cancelled(), done.waitingPlaces(), 0)));
  }

  private record Person(PersonalDataHolders.Citizen citizen, UUID careHomeId, String reason) {}

  /** Who the request is about, by one of her identifiers, and why. */
  private static Future<Person> person(Principal admin, PersonalDataRequest asked) {
    if (admin == null || !admin.is(Role.ADMIN)) {
      return Future.failedFuture(ApiException.forbidden("Only an administrator of the département may do this."));
    }
    String reason = blankToNull(asked.reason());
    if (reason == null) {
      return Future.failedFuture(ApiException.badRequest(
          "Invalid field 'reason': say why (the person's request, its date and how it came)."));
    }
    String email = blankToNull(asked.email());
    String phone = blankToNull(asked.phone());
    String appointment = blankToNull(asked.appointmentReference());
    String reference = blankToNull(asked.patientReference());
    String careHome = blankToNull(asked.careHomeId());
    int kinds = (email != null ? 1 : 0) + (phone != null ? 1 : 0) + (appointment != null ? 1 : 0)
        + (reference != null || careHome != null ? 1 : 0);
    if (kinds != 1 || (reference == null) != (careHome == null)) {
      return Future.failedFuture(ApiException.badRequest(
          "Invalid request: give an e-mail, a phone, an appointment's reference, or a patient reference with its care home."));
    }
    return Future.succeededFuture(careHome).map(id -> new Person(new PersonalDataHolders.Citizen(email, phone,
        appointment == null ? null : appointment.toUpperCase(java.util.Locale.ROOT)),
        id == null ? null : Ids.field(id, "careHomeId"), reason));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
