package fr.cantou.visio;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An agent downloading an appointment's calendar file is a read of the audit trail once the file is made, not before. */
class CalendarFileReadTest extends VisioNodeTest {

  @Test
  void a_calendar_file_that_could_not_be_made_is_no_read_and_one_made_is_one() {
    String id = visio.book("2026-12-01T10:00:00+01:00").json().getString("id");
    String path = "/api/visio/appointments/" + id + "/calendar.ics";
    CalendarFiles files = node.node().visio().calendarFiles;

    files.beforeMaking(() -> Future.failedFuture(new IllegalStateException("the file cannot be made")));
    try {
      assertThat(node.api.get(path, visio.agent).status()).isEqualTo(500);
    } finally {
      files.beforeMaking(Future::succeededFuture);
    }
    assertThat(calendarReads(id)).as("a file that failed").isEmpty();

    assertThat(node.api.get(path, visio.agent).status()).isEqualTo(200);
    assertThat(calendarReads(id)).as("a file made").hasSize(1);
  }

  private List<JsonObject> calendarReads(String appointmentId) {
    List<JsonObject> reads = new ArrayList<>();
    node.api.get("/api/admin/audit?limit=200&kind=read&itemId=" + appointmentId, visio.admin).json().getJsonArray("items")
        .forEach(item -> {
          JsonObject line = (JsonObject) item;
          if ("appointment.calendar".equals(line.getString("action"))) {
            reads.add(line);
          }
        });
    return reads;
  }
}
