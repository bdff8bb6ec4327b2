package fr.cantou.support;

import java.util.List;

/**
 * What the first node of a test JVM loads on its event loop at boot, loaded once on the test's thread before it
 * starts. On a machine loaded 20 to 30 (the suite's parallel forks beside other work), that first boot held its loop
 * for seconds: Flight Recorder's metadata, set up by the first buffer chunk Netty's allocator makes (up to 1.5 s), the
 * security providers looked up for the JWT key (0.7 s), Jackson's mapper and its date-time module, Caffeine — and a
 * query of the boot, its connection's answer waiting behind them, gave up after the pool's 3 s ("Timeout waiting for
 * connection", the class's first test failing before it began). Classes of a later first use (a page's gzip: {@code
 * BrowserFixture}) are loaded where that use is known.
 */
final class FirstBootClasses {
  private static final List<String> HEAVY = List.of(
      // Initialising it registers the event with Flight Recorder, which builds its whole metadata then.
      "io.netty.buffer.AllocateChunkEvent",
      "io.netty.buffer.AllocateBufferEvent",
      "fr.cantou.platform.json.Json",
      "com.github.benmanes.caffeine.cache.Caffeine");
  private static boolean loaded;

  private FirstBootClasses() {}

  static synchronized void load() {
    if (loaded) {
      return;
    }
    loaded = true;
    ClassLoader loader = FirstBootClasses.class.getClassLoader();
    for (String name : HEAVY) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // Another version without it: nothing to load ahead.
      }
    }
    try {
      // The providers the JWT key's HMAC is looked up among (a service loader's walk of every provider).
      javax.crypto.Mac.getInstance("HmacSHA256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
