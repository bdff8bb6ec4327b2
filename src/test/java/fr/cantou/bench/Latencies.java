package fr.cantou.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Percentiles of one measurement in milliseconds, as they travel from the load generator to the report. */
record Latencies(long count, double p50, double p90, double p99, double p999, double max) {

  static Histogram histogram() {
    return new Histogram(120_000_000L, 3);
  }

  static Latencies of(Histogram micros) {
    return new Latencies(micros.getTotalCount(), ms(micros, 50), ms(micros, 90), ms(micros, 99), ms(micros, 99.9),
        micros.getMaxValue() / 1000.0);
  }

  private static double ms(Histogram h, double p) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
  }

  JsonObject toJson() {
    return JsonObject.mapFrom(this);
  }

  static Latencies from(JsonObject json) {
    return json.mapTo(Latencies.class);
  }
}
