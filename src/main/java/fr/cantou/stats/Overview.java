package fr.cantou.stats;

import java.time.LocalDate;
import java.util.List;

/** The département's figures over a period. */
public record Overview(LocalDate from, LocalDate to, Teleconsultations teleconsultations, Visio visio) {

  public record Teleconsultations(long total, List<Named> byOrganisation, List<BySpecialty> bySpecialty,
                                  Double medianWaitMinutes, Double p90WaitMinutes, List<ByKind> byKind) {}

  /**
   * Per kind of request as the nurse asked it: video (teleconsultation) or opinion (téléexpertise),
   * with its median wait before a doctor took it; {@code turnedIntoCall}: the opinions a doctor
   * turned into a video call (0 for calls).
   */
  public record ByKind(String kind, long count, Double medianWaitMinutes, long turnedIntoCall) {}

  public record Named(String name, long count) {}

  public record BySpecialty(String specialty, long count) {}

  public record Visio(List<ByDate> bookings, long completed, long noShows, long cancelled) {}

  public record ByDate(LocalDate date, long count) {}
}
