package fr.cantou;

import io.vertx.core.Future;

/**
 * How long each step of a node's start took, for its start's log line
 * ({@code keysMs=… modulesBuiltMs=… bootstrapMs=…}): what a restart spends is read there.
 */
final class StartPhases {
  private final StringBuilder line = new StringBuilder();
  private long last = System.nanoTime();

  /** Ends the step {@code name} now. */
  synchronized void done(String name) {
    long now = System.nanoTime();
    line.append(line.isEmpty() ? "" : " ").append(name).append("Ms=").append((now - last) / 1_000_000);
    last = now;
  }

  /** Ends the step {@code name} when {@code step} completes; {@code step} as it is. */
  <T> Future<T> done(String name, Future<T> step) {
    return step.onSuccess(v -> done(name));
  }

  @Override
  public synchronized String toString() {
    return line.toString();
  }
}
