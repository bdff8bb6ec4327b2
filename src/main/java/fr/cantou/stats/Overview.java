package fr.cantou.stats;

import java.time.LocalDate;
import java.util.List;

/** The département's figures over a period. */
public record Overview(LocalDate from, LocalDate to, Teleconsultations teleconsultations, Visio visio) {

  public record Teleconsultations(long total, List<Named> byOrganisation, List<BySpecialty> bySpecialty,
                                  Double medianWaitMinutes, Double p90WaitMinutes) {}

  public record Named(String name, long count) {}

  public record BySpecialty(String specialty, long count) {}

  public record Visio(List<ByDate> bookings, long completed, long noShows, long cancelled) {}

  public record ByDate(LocalDate date, long count) {}
}
