package fr.cantou.teleconsult;

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
 * Three months of teleconsultations behind the demo, computed back from today: requests of every
 * care home across the specialties, most answered, some cancelled while they waited, some escalated
 * after waiting, opinions and calls. Only values: {@link DemoTeleconsult} writes them. A seeded random
 * so that two demos started the same day look alike.
 */
final class DemoTeleconsultHistory {
  static final int DAYS = 90;

  record Nurse(UUID id, UUID organisationId) {}

  record Doctor(UUID id, String displayName, List<String> specialties) {}

  /** One past request as the service would have left it, with its timeline in order. */
  record PastRequest(UUID id, Nurse nurse, String reference, String initials, int birthYear, String reason,
                     String specialty, String urgency, String consentBy, String askedKind, boolean turnedIntoCall,
                     Instant createdAt, Instant escalatedAt, Doctor doctor, Instant assignedAt, Instant startedAt,
                     Instant completedAt, Instant cancelledAt, String report, String outcome) {}

  /** Each specialty's share of the requests and what nurses ask of it (reason, report). */
  private record Kind(String specialty, int weight, double opinionShare, List<String> reasons, List<String> reports) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("geriatrie", 26, 0.2, List.of("Chutes répétées depuis une semaine, marche plus hésitante.",
              "Confusion apparue depuis deux jours, alimentation réduite.", "Perte de poids de 3 kg en un mois."),
          List.of("Bilan de chute : révision du traitement antihypertenseur, kinésithérapie proposée.",
              "Confusion probablement liée à une infection urinaire : ECBU et hydratation, réévaluation à 48 h.")),
      new Kind("medecine_generale", 22, 0.3, List.of("Toux fébrile depuis trois jours.",
              "Douleurs abdominales depuis ce matin, pas de vomissements.", "Renouvellement et adaptation du traitement."),
          List.of("Bronchite probable : traitement symptomatique, surveillance de la température.",
              "Examen rassurant : surveillance, rappeler si fièvre ou vomissements.")),
      new Kind("dermatologie", 14, 0.7, List.of("Éruption prurigineuse sur le tronc depuis quatre jours.",
              "Lésion pigmentée du dos qui a changé d'aspect."),
          List.of("Eczéma probable : dermocorticoïde deux semaines, émollient.",
              "Lésion à voir en consultation de dermatologie sous un mois : rendez-vous demandé.")),
      new Kind("plaies_cicatrisation", 12, 0.7, List.of("Plaie du talon qui ne cicatrise pas depuis trois semaines.",
              "Escarre sacrée stade 2, rougeur autour."),
          List.of("Détersion et pansement hydrocolloïde, décharge du talon ; nouvelle photo dans une semaine.",
              "Pansement adapté, matelas à air, réévaluation à dix jours.")),
      new Kind("cardiologie", 10, 0.3, List.of("Œdèmes des membres inférieurs, essoufflement à l'effort.",
              "Palpitations, tension à 16/9 ce matin."),
          List.of("Décompensation débutante : diurétique augmenté, pesée quotidienne.",
              "ECG sans particularité : pas de changement de traitement, contrôle tensionnel.")),
      new Kind("psychiatrie", 6, 0.2, List.of("Agitation le soir depuis l'entrée en établissement."),
          List.of("Troubles du comportement : mesures non médicamenteuses d'abord, point dans quinze jours.")),
      new Kind("neurologie", 5, 0.2, List.of("Tremblement de repos apparu récemment."),
          List.of("Syndrome parkinsonien possible : consultation de neurologie programmée.")),
      new Kind("soins_palliatifs", 5, 0.2, List.of("Douleurs mal calmées malgré le traitement actuel."),
          List.of("Adaptation des antalgiques, évaluation de la douleur deux fois par jour.")));

  private static final List<String> OUTCOMES = List.of("advice_given", "prescription_sent", "referral", "follow_up");
  private static final String LETTERS = "ABCDEFGHJKLMNPRSTV";

  private DemoTeleconsultHistory() {}

  /** The requests of the {@value #DAYS} days before {@code today}, in the département's {@code zone}. */
  static List<PastRequest> requests(LocalDate today, ZoneId zone, List<Nurse> nurses, List<Doctor> doctors,
                                    Duration escalateAfter, Random random) {
    List<PastRequest> past = new ArrayList<>();
    for (LocalDate day = today.minusDays(DAYS); day.isBefore(today); day = day.plusDays(1)) {
      boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
      int count = weekend ? 1 + random.nextInt(3) : 5 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        Kind kind = pick(random);
        List<Doctor> able = doctors.stream().filter(d -> d.specialties().contains(kind.specialty())).toList();
        if (able.isEmpty()) {
          continue;
        }
        past.add(request(day, zone, nurses.get(random.nextInt(nurses.size())), able.get(random.nextInt(able.size())),
            kind, escalateAfter, random));
      }
    }
    return past;
  }

  private static PastRequest request(LocalDate day, ZoneId zone, Nurse nurse, Doctor doctor, Kind kind,
                                     Duration escalateAfter, Random random) {
    Instant created = day.atTime(LocalTime.of(8, 0).plusMinutes(random.nextInt(10 * 60))).atZone(zone).toInstant();
    boolean urgent = random.nextDouble() < 0.15;
    // Minutes waited for a doctor: short for the urgent ones, a long tail for the others.
    long wait = urgent ? 2 + random.nextInt(12) : Math.round(4 + Math.min(170, -25 * Math.log(1 - random.nextDouble())));
    Instant escalated = !urgent && wait > escalateAfter.toMinutes() ? created.plus(escalateAfter) : null;
    boolean opinion = random.nextDouble() < kind.opinionShare();
    String reference = "R" + (1000 + random.nextInt(9000));
    String initials = "" + LETTERS.charAt(random.nextInt(LETTERS.length())) + LETTERS.charAt(random.nextInt(LETTERS.length()));
    int birthYear = 1924 + random.nextInt(28);
    String reason = kind.reasons().get(random.nextInt(kind.reasons().size()));
    String consentBy = random.nextDouble() < 0.8 ? "patient" : "legal_representative";
    if (random.nextDouble() < 0.1) {
      Instant cancelled = created.plus(Duration.ofMinutes(1 + wait / 2));
      return new PastRequest(UUID.randomUUID(), nurse, reference, initials, birthYear, reason, kind.specialty(),
          urgent ? "urgent" : "normal", consentBy, opinion ? "opinion" : "video", false, created,
          escalated != null && escalated.isBefore(cancelled) ? escalated : null, null, null, null, null, cancelled, null, null);
    }
    Instant assigned = created.plus(Duration.ofMinutes(wait));
    boolean turned = opinion && random.nextDouble() < 0.15;
    Instant started = !opinion || turned ? assigned.plus(Duration.ofMinutes(1 + random.nextInt(4))) : null;
    Instant completed = assigned.plus(Duration.ofMinutes(12 + random.nextInt(30)));
    return new PastRequest(UUID.randomUUID(), nurse, reference, initials, birthYear, reason, kind.specialty(),
        urgent ? "urgent" : "normal", consentBy, opinion ? "opinion" : "video", turned, created, escalated, doctor,
        assigned, started, completed, null, kind.reports().get(random.nextInt(kind.reports().size())),
        OUTCOMES.get(random.nextInt(OUTCOMES.size())));
  }

  private static Kind pick(Random random) {
    int total = KINDS.stream().mapToInt(Kind::weight).sum();
    int n = random.nextInt(total);
    for (Kind kind : KINDS) {
      n -= kind.weight();
      if (n < 0) {
        return kind;
      }
    }
    return KINDS.get(0);
  }
}
