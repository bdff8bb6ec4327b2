package fr.cantou.platform.db;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.support.LogLines;
import fr.cantou.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A starting node's wait for its first connection: bounded, and said without flooding the log. */
class FirstConnectionTest {

  /** A database refusing every connection (still starting, its port closed) for the whole patience: one line, then the failure. */
  @Test
  void a_database_refusing_for_a_second_is_said_once_and_the_start_fails_after_its_patience() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Logger logger = (Logger) LoggerFactory.getLogger(FirstConnection.class);
    ListAppender<ILoggingEvent> said = new ListAppender<>();
    said.start();
    logger.addAppender(said);
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort)
          .setDatabase("cantou").setUser("cantou").setPassword("x")).using(vertx).build();
      assertThatThrownBy(() -> TestNode.await(FirstConnection.within(vertx, pool, Duration.ofSeconds(1))))
          .hasRootCauseInstanceOf(java.net.ConnectException.class);
      assertThat(LogLines.messages(said)).singleElement().asString().startsWith("event=database_slow_at_start");
    } finally {
      logger.detachAppender(said);
      TestNode.await(vertx.close());
    }
  }
}
