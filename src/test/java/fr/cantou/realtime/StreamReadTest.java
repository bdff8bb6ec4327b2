package fr.cantou.realtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.LogLines;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the safety net reads the database's stream ({@code event_stream()}, V99) with its events: once per read, and a
 * part of it the server fails to read for a moment is a failed read, not another database.
 */
class StreamReadTest {
  final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  final Logger followed = (Logger) LoggerFactory.getLogger(FollowedDatabase.class);
  final Logger listener = (Logger) LoggerFactory.getLogger(EventListener.class);

  @BeforeEach
  void listen() {
    lines.start();
    followed.addAppender(lines);
    listener.addAppender(lines);
  }

  @AfterEach
  void stopListening() {
    followed.detachAppender(lines);
    listener.detachAppender(lines);
  }

  /**
   * The stream was read in a subquery the planner pulled up into the join with the events: event_stream() ran once per
   * event read (500 a full batch, each a read of pg_control under its lock and two subtransactions), for one value.
   */
  @Test
  void a_check_reads_the_stream_once_whatever_the_number_of_events_it_reads() {
    try (TestNode node = TestNode.start()) {
      RawEvents.forNurses(node, "test.many", "'{}'", 600);
      long calls = TestNode.await(node.node().platform().pool().withConnection(connection -> connection
          .query("SET track_functions = 'pl'").execute()
          .compose(v -> new EventStore().checkedAfter(connection, 0, 500))
          .compose(read -> {
            assertThat(read.events()).hasSize(500);
            return connection.query("SELECT pg_stat_force_next_flush()").execute();
          })
          .compose(v -> connection.query("SELECT COALESCE((SELECT calls FROM pg_stat_user_functions WHERE funcname = "
              + "'event_stream'), 0) AS calls").execute())
          .map(rows -> rows.iterator().next().getLong("calls"))));
      assertThat(calls).as("event_stream() calls for one check of 500 events").isEqualTo(1);
    }
  }

  /**
   * pg_control read torn (PostgreSQL versions whose SQL functions read it without its lock, while the checkpointer
   * writes it) or not at all for a moment: staged by the file spoiled on disk, which the next checkpoint writes again
   * from memory. The same database is followed: the node's sockets stay open and its events go on.
   */
  @Test
  void a_control_file_the_server_fails_to_read_for_a_moment_is_no_other_database() throws Exception {
    try (TestNode node = TestNode.start(fr.cantou.support.TestDatabase.fresh(),
        Map.of("CANTOU_REALTIME_SAFETY_NET_SECONDS", "1"), Clock.systemUTC())) {
      String doctor = new CareTerritory(node).geriatrician;
      try (WsClient page = WsClient.connect(node.port())) {
        page.send(new JsonObject().put("type", "hello").put("token", doctor));
        page.next(m -> "welcome".equals(m.getString("type")));
        page.next(m -> "snapshot".equals(m.getString("type")));
        Path control = Path.of(TestNode.await(node.node().platform().pool().query(
            "SELECT current_setting('data_directory') AS d").execute()).iterator().next().getString("d"), "global", "pg_control");
        lines.list.clear();
        try {
          // Spoiled again should a checkpoint write it meanwhile: a byte of padding the CRC covers, never this value.
          Eventually.until("two safety nets read while pg_control is spoiled", () -> {
            spoil(control);
            return failedReads() >= 2 || !warnings().isEmpty();
          });
        } finally {
          // Written again from the server's memory.
          TestNode.await(node.node().platform().pool().query("CHECKPOINT").execute());
        }
        Row again = TestNode.await(node.node().platform().pool().query(
            "SELECT system_identifier FROM pg_control_system()").execute()).iterator().next();
        assertThat(again.getLong(0)).as("pg_control read again").isNotNull();

        RawEvents.forRoles(node, null, "test.after", "doctor");
        assertThat(page.nextEvent("test.after")).as("the page, still open, gets the next event").isNotNull();
      }
      assertThat(warnings()).as("the same database, never judged another one").isEmpty();
    }
  }

  private static void spoil(Path control) {
    try {
      byte[] bytes = Files.readAllBytes(control);
      if (bytes[20] != 0x5a) {
        bytes[20] = 0x5a;
        Files.write(control, bytes);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long failedReads() {
    return LogLines.of(lines).stream().filter(e -> e.getFormattedMessage().startsWith("event=outbox_read_failed")).count();
  }

  private List<String> warnings() {
    return LogLines.of(lines).stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .filter(line -> line.startsWith("event=event_stream_changed")).toList();
  }
}
