package fr.cantou.visio;

import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** One node on a fresh database with the visio territory, on Monday 30 November 2026 at 7:00 in Paris. */
abstract class VisioNodeTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  TestNode node;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), settings(), clock);
    visio = new VisioTerritory(node);
  }

  /** More settings for the node (CANTOU_* names); none by default. */
  Map<String, String> settings() {
    return Map.of();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** Runs {@code count} calls at once (each on its own thread, released together) and answers their results in order. */
  static <T> List<T> concurrently(int count, IntFunction<T> call) throws Exception {
    var pool = Executors.newFixedThreadPool(count);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        futures.add(pool.submit(() -> {
          go.await();
          return call.apply(n);
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
