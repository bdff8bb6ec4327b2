package fr.cantou.teleconsult;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A set of vital signs the nurse measured together, as the doctor reads it: each measure in its
 * usual unit (mmHg, beats a minute, °C, %, g/L, kg, a pain score from 0 to 10), absent when not
 * taken.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VitalSigns(Instant measuredAt, BloodPressure bloodPressure, Integer pulse, BigDecimal temperature,
                         Integer spo2, BigDecimal glycaemia, BigDecimal weight, Integer pain,
                         Instant recordedAt, String recordedByName) {

  public record BloodPressure(Integer systolic, Integer diastolic) {}

  /** What the nurse sends: the measures, and when she took them (now when absent). */
  public record Measured(OffsetDateTime measuredAt, BloodPressure bloodPressure, Integer pulse, BigDecimal temperature,
                         Integer spo2, BigDecimal glycaemia, BigDecimal weight, Integer pain) {

    private static final String[] NAMES = {"bloodPressure", "pulse", "temperature", "spo2", "glycaemia", "weight", "pain"};

    /** The names of the measures this set holds, in the form's order (its timeline line says them, never the values). */
    List<String> names() {
      Object[] values = {bloodPressure, pulse, temperature, spo2, glycaemia, weight, pain};
      return IntStream.range(0, NAMES.length).filter(i -> values[i] != null).mapToObj(i -> NAMES[i]).toList();
    }

    boolean isEmpty() {
      return names().isEmpty();
    }
  }
}
