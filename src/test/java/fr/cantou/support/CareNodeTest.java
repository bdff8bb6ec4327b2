package fr.cantou.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.Map;

/** One node per test on a fresh database, with the care territory and a clock the test moves. */
public abstract class CareNodeTest {
  protected final MutableClock clock = MutableClock.startingNow();
  protected TestNode node;
  protected CareTerritory care;

  @BeforeEach
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), clock);
    care = new CareTerritory(node);
  }

  @AfterEach
  protected void stopNode() {
    node.close();
  }
}
