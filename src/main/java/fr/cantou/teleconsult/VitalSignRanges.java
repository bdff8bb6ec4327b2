package fr.cantou.teleconsult;

import fr.cantou.platform.http.ApiException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The plausible range of each vital sign (the database checks the same bounds): a value outside
 * is a typing slip (37 typed 73, a pulse in the pressure's box) that a doctor deciding from afar
 * must never read as a measure. Each refusal names its field and says the range in its unit.
 */
final class VitalSignRanges {
  /** A measure taken later than now (a clock a little ahead) or long before is not the state the doctor judges. */
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
  static final Duration OLDEST = Duration.ofDays(7);

  private VitalSignRanges() {}

  /** The first refusal, field by field in the form's order, or empty when every measure is plausible. */
  static Optional<ApiException> refusal(VitalSigns.Measured signs, Instant now) {
    if (signs.isEmpty()) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns': at least one measure, such as the temperature."));
    }
    if (signs.measuredAt() != null) {
      Instant at = signs.measuredAt().toInstant();
      if (at.isAfter(now.plus(FUTURE_TOLERANCE))) {
        return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.measuredAt': the time of measurement is later than now."));
      }
      if (at.isBefore(now.minus(OLDEST))) {
        return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.measuredAt': measures older than 7 days are not vital signs of today."));
      }
    }
    VitalSigns.BloodPressure pressure = signs.bloodPressure();
    if (pressure != null) {
      if (pressure.systolic() == null || pressure.diastolic() == null) {
        return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.bloodPressure': both the systolic and the diastolic pressure, such as 130/80."));
      }
      if (outside(pressure.systolic(), 50, 260)) {
        return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.bloodPressure.systolic': the systolic pressure is expected between 50 and 260 mmHg."));
      }
      if (outside(pressure.diastolic(), 20, 160)) {
        return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.bloodPressure.diastolic': the diastolic pressure is expected between 20 and 160 mmHg."));
      }
      if (pressure.diastolic() >= pressure.systolic()) {
        return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.bloodPressure.diastolic': the diastolic pressure must be lower than the systolic one."));
      }
    }
    if (signs.pulse() != null && outside(signs.pulse(), 20, 250)) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.pulse': the pulse is expected between 20 and 250 beats a minute."));
    }
    if (signs.temperature() != null && outside(signs.temperature(), "30", "44")) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.temperature': the temperature is expected between 30 and 44 °C."));
    }
    if (signs.spo2() != null && outside(signs.spo2(), 50, 100)) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.spo2': the oxygen saturation is expected between 50 and 100 %."));
    }
    if (signs.glycaemia() != null && outside(signs.glycaemia(), "0.2", "6")) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.glycaemia': the capillary glycaemia is expected between 0.20 and 6.00 g/L."));
    }
    if (signs.weight() != null && outside(signs.weight(), "1", "350")) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.weight': the weight is expected between 1 and 350 kg."));
    }
    if (signs.pain() != null && outside(signs.pain(), 0, 10)) {
      return Optional.of(ApiException.badRequest("Invalid field 'vitalSigns.pain': the pain score is expected between 0 and 10."));
    }
    return Optional.empty();
  }

  /** When the set was measured: as the nurse said, or now. */
  static Instant measuredAt(VitalSigns.Measured signs, Instant now) {
    return signs.measuredAt() == null ? now : signs.measuredAt().toInstant();
  }

  private static boolean outside(int value, int min, int max) {
    return value < min || value > max;
  }

  private static boolean outside(BigDecimal value, String min, String max) {
    return value.compareTo(new BigDecimal(min)) < 0 || value.compareTo(new BigDecimal(max)) > 0;
  }
}
