package fr.cantou.visio;

import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.Map;

/** One node on a fresh database with the visio territory, on Monday 30 November 2026 at 7:00 in Paris. */
abstract class VisioNodeTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  TestNode node;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), clock);
    visio = new VisioTerritory(node);
  }

  @AfterEach
  void stop() {
    node.close();
  }
}
