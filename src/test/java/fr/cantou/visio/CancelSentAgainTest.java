package fr.cantou.visio;

import fr.cantou.support.SentTwiceAtOnce;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A citizen on a weak link whose cancel's answer never came taps "Annuler" again: she is told her appointment is
 * cancelled (it is), once, and never that it "can no longer be cancelled" because it was.
 */
class CancelSentAgainTest extends VisioNodeTest {

  @Test
  void a_cancel_sent_again_answers_the_cancelled_appointment_and_tells_her_once() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();

    var first = cancel(booked);
    var again = cancel(booked);

    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().getString("status")).isEqualTo("cancelled");
    assertThat(cancellationMessages(booked)).as("one cancellation mail").isEqualTo(1);
    assertThat(cancellationEvents(booked)).as("one cancellation event").isEqualTo(1);
  }

  @Test
  void a_cancel_that_waited_for_another_cancel_of_the_same_appointment_answers_it_cancelled() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();

    // Her other page's cancel is being written when this one arrives: this one reads "booked", then waits for it.
    var answer = cancelWhileAnotherWriteMakesIt("cancelled", booked);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().getString("status")).isEqualTo("cancelled");
    assertThat(cancellationMessages(booked)).as("this cancel wrote nothing").isZero();
  }

  @Test
  void a_cancel_of_an_appointment_held_since_is_refused_saying_what_it_is_now() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();

    var answer = cancelWhileAnotherWriteMakesIt("completed", booked);

    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.detail()).isEqualTo("This appointment is completed; it can no longer be cancelled.");
  }

  /** Her cancel, sent while another transaction is writing the appointment's {@code status}: it reads the old one. */
  private fr.cantou.support.Api.Response cancelWhileAnotherWriteMakesIt(String status, JsonObject booked) {
    UUID id = UUID.fromString(booked.getString("id"));
    return SentTwiceAtOnce.retryAnswer(node, other -> other.preparedQuery("UPDATE appointment SET status = $2 WHERE id = $1")
        .execute(Tuple.of(id, status)), () -> cancel(booked));
  }

  private fr.cantou.support.Api.Response cancel(JsonObject booked) {
    return visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel",
        booked.getString("manageToken"), null);
  }

  private long cancellationMessages(JsonObject booked) {
    return count("SELECT count(*) AS n FROM visio_mail WHERE appointment_id = $1 AND kind = 'cancellation'",
        UUID.fromString(booked.getString("id")));
  }

  private long cancellationEvents(JsonObject booked) {
    return count("SELECT count(*) AS n FROM event WHERE kind = 'appointment.cancelled' AND data->>'id' = $1",
        booked.getString("id"));
  }

  private long count(String sql, Object key) {
    return TestNode.await(node.node().platform().pool().preparedQuery(sql).execute(Tuple.of(key)))
        .iterator().next().getLong("n");
  }
}
