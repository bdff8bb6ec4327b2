package fr.cantou.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.Map;

/** One node per test on a fresh database with both territories, on Monday 30 November 2026 at 7:00 in Paris. */
public abstract class TerritoryNodeTest {
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  protected TestNode node;
  protected CareTerritory care;
  protected VisioTerritory visio;

  @BeforeEach
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), clock);
    visio = new VisioTerritory(node);
    care = new CareTerritory(node, "soins");
  }

  @AfterEach
  protected void stopNode() {
    node.close();
  }
}
