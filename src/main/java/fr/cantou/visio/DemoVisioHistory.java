package fr.cantou.visio;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Three months of visio-accueil behind the demo, computed back from today: each agent's weekdays
 * (the demo's 9:00–12:00 and 13:30–16:30, public holidays off) partly booked, most appointments
 * honoured, some missed, some cancelled, a third at a point visio-accueil. Only values: {@link
 * DemoVisioActivity} writes them. A seeded random so that two demos started the same day look alike.
 */
final class DemoVisioHistory {
  static final int DAYS = 91;
  private static final List<LocalTime[]> HOURS = List.of(new LocalTime[] {LocalTime.of(9, 0), LocalTime.of(12, 0)},
      new LocalTime[] {LocalTime.of(13, 30), LocalTime.of(16, 30)});
  private static final List<String> FIRST_NAMES = List.of("Jeanne", "Marie", "Pierre", "Jean", "Louis", "Germaine",
      "Raymond", "Odette", "Marcel", "Simone", "Antoine", "Yvette", "Léa", "Lucas", "Chloé", "Nathalie", "Thierry",
      "Sandrine", "Martine", "Bernard", "Kevin", "Amandine", "Fatou", "Mehdi");
  private static final List<String> LAST_NAMES = List.of("Vigier", "Delmas", "Fabre", "Chabrier", "Lacoste", "Rouchy",
      "Cambon", "Boudou", "Besson", "Bonnal", "Laborie", "Cayrol", "Vidal", "Mazars", "Roques", "Lavergne", "Cros",
      "Salat", "Bouniol", "Couderc", "Fau", "Lapeyre", "Mathieu", "Diallo");

  /** An agent and the services she serves. */
  record Agent(UUID id, List<Service> services, Duration buffer) {}

  record Service(UUID id, int minutes, String prefix) {}

  record PastAppointment(UUID agentId, Service service, UUID pointId, Instant start, Instant end, Instant blockedUntil,
                         String status, String citizenName, String citizenPhone, String citizenEmail, Instant createdAt,
                         Instant cancelledAt, Instant finishedAt) {}

  private DemoVisioHistory() {}

  /** The appointments of the {@value #DAYS} days before {@code today}, in the département's {@code zone}. */
  static List<PastAppointment> appointments(LocalDate today, ZoneId zone, List<Agent> agents, List<UUID> points,
                                            Random random) {
    List<PastAppointment> past = new ArrayList<>();
    for (LocalDate day = today.minusDays(DAYS); day.isBefore(today); day = day.plusDays(1)) {
      if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY
          || FrenchHolidays.isHoliday(day)) {
        continue;
      }
      for (Agent agent : agents) {
        for (LocalTime[] hours : HOURS) {
          LocalTime at = hours[0];
          while (true) {
            Service service = agent.services().get(random.nextInt(agent.services().size()));
            LocalTime end = at.plusMinutes(service.minutes());
            if (end.isAfter(hours[1])) {
              break;
            }
            if (random.nextDouble() < 0.45) {
              past.add(appointment(day.atTime(at).atZone(zone).toInstant(), agent, service,
                  random.nextDouble() < 0.35 && !points.isEmpty() ? points.get(random.nextInt(points.size())) : null, random));
            }
            at = end.plus(agent.buffer());
          }
        }
      }
    }
    return past;
  }

  private static PastAppointment appointment(Instant start, Agent agent, Service service, UUID point, Random random) {
    Instant end = start.plus(Duration.ofMinutes(service.minutes()));
    String first = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
    String last = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
    // Numbers of the range ARCEP keeps for fiction (06 39 98 …), e-mails of a reserved domain: never a real person's.
    String phone = String.format("06 39 98 %02d %02d", random.nextInt(100), random.nextInt(100));
    String email = random.nextDouble() < 0.5 ? null
        : java.text.Normalizer.normalize((first + "." + last).toLowerCase(java.util.Locale.ROOT), java.text.Normalizer.Form.NFD)
            .replaceAll("\\p{M}", "") + "@example.org";
    Instant created = start.minus(Duration.ofHours(2 + random.nextInt(20 * 24)));
    double fate = random.nextDouble();
    String status = fate < 0.12 ? "cancelled" : fate < 0.22 ? "no_show" : "completed";
    Instant cancelled = status.equals("cancelled")
        ? created.plusSeconds((long) (Duration.between(created, start).toSeconds() * random.nextDouble())) : null;
    Instant finished = switch (status) {
      case "completed" -> end;
      case "no_show" -> start.plus(Duration.ofMinutes(15));
      default -> null;
    };
    return new PastAppointment(agent.id(), service, point, start, end, end.plus(agent.buffer()), status,
        first + " " + last, phone, email, created, cancelled, finished);
  }
}
