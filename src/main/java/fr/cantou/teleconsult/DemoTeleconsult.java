package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.identity.User;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Teleconsultation's part of the demo territory (demo/DemoTerritory loads the people first): three
 * months of past requests, so that the statistics, the wait estimates and the doctors' history show a
 * territory at work, and two requests waiting now in the queue, made through the service as a nurse
 * would (events, timeline and queue as in real use).
 */
public final class DemoTeleconsult {
  private static final Logger LOG = LoggerFactory.getLogger(DemoTeleconsult.class);

  private final Platform platform;
  private final IntakeService intake;
  private final DemoTeleconsultStore store = new DemoTeleconsultStore();

  DemoTeleconsult(Platform platform, IntakeService intake) {
    this.platform = platform;
    this.intake = intake;
  }

  Future<Void> load(List<User> users, java.time.Duration escalateAfter) {
    if (!platform.config().demo().activity()) {
      return Future.succeededFuture();
    }
    ZoneId zone = platform.config().defaultTimeZone();
    LocalDate today = LocalDate.ofInstant(platform.clock().instant(), zone);
    List<User> nurses = users.stream().filter(u -> Role.NURSE.code().equals(u.role()) && u.organisationId() != null).toList();
    List<DemoTeleconsultHistory.Doctor> doctors = users.stream().filter(u -> Role.DOCTOR.code().equals(u.role()))
        .map(u -> new DemoTeleconsultHistory.Doctor(UUID.fromString(u.id()), u.displayName(), u.specialties())).toList();
    if (nurses.isEmpty() || doctors.isEmpty()) {
      return Future.succeededFuture();
    }
    List<DemoTeleconsultHistory.PastRequest> past = DemoTeleconsultHistory.requests(today, zone,
        nurses.stream().map(n -> new DemoTeleconsultHistory.Nurse(UUID.fromString(n.id()), UUID.fromString(n.organisationId())))
            .toList(), doctors, escalateAfter, new Random(today.toEpochDay()));
    return platform.pool().withTransaction(tx -> store.insert(tx, past))
        .compose(v -> waiting(nurses))
        .onSuccess(v -> LOG.info("event=demo_teleconsult past={} days={} waiting=2", past.size(), DemoTeleconsultHistory.DAYS));
  }

  /** Two requests waiting now: an urgent one for the geriatricians and a written opinion for the dermatologists. */
  private Future<Void> waiting(List<User> nurses) {
    User murat = byEmail(nurses, "infirmiere.murat@");
    User salers = byEmail(nurses, "infirmiere.salers@");
    NewTeleconsultation.Consent consent = new NewTeleconsultation.Consent(true, "patient");
    return intake.create(nurse(murat), new NewTeleconsultation(new NewTeleconsultation.Patient("R2207", "JB", 1936),
            "Chute cette nuit dans la chambre, douleur de la hanche droite, pas de perte de connaissance.",
            "geriatrie", "urgent", consent, null, null,
            new VitalSigns.Measured(platform.clock().instant().atOffset(ZoneOffset.UTC),
                new VitalSigns.BloodPressure(148, 86), 92, new BigDecimal("37.2"), 96, null, null, 6), "video"), null)
        .compose(v -> intake.create(nurse(salers), new NewTeleconsultation(new NewTeleconsultation.Patient("R3114", "MC", 1941),
            "Rougeur et petite plaie du talon gauche depuis une semaine, malgré l'effleurage.",
            "dermatologie", "normal", consent, null, null, null, "opinion"), null))
        .mapEmpty();
  }

  private static User byEmail(List<User> users, String start) {
    return users.stream().filter(u -> u.email().startsWith(start)).findFirst().orElse(users.get(0));
  }

  private static Principal nurse(User user) {
    return new Principal(UUID.fromString(user.id()), Role.NURSE, user.displayName(), UUID.fromString(user.organisationId()),
        new HashSet<>(user.specialties()));
  }
}
