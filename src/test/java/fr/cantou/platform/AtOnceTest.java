package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bound of heavy work at once on a node (reports' PDFs, documents' parses): past it the caller
 * is told at once to come back (503 with Retry-After), and every way a piece of work ends gives its
 * place back — a success, a failure, a refusal thrown before any future.
 */
class AtOnceTest {
  private final AtOnce parses = new AtOnce(3, () -> new ApiException(503,
      "Many documents are being checked just now; please send it again in a few seconds.").retryAfter(5));

  @Test
  void past_the_bound_the_caller_is_told_to_come_back_and_each_end_gives_its_place_back() {
    List<Promise<String>> running = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Promise<String> work = Promise.promise();
      running.add(work);
      assertThat(parses.run(work::future).isComplete()).as("place " + (i + 1)).isFalse();
    }
    Future<String> fourth = parses.run(() -> Future.succeededFuture("never run"));
    assertThat(fourth.failed()).isTrue();
    ApiException busy = (ApiException) fourth.cause();
    assertThat(busy.status()).isEqualTo(503);
    assertThat(busy.retryAfterSeconds()).isEqualTo(5);

    running.get(0).complete("parsed");
    assertThat(parses.run(() -> Future.succeededFuture("next")).result()).as("a success gave its place back").isEqualTo("next");
    running.get(1).fail(new IllegalStateException("unreadable"));
    Future<String> thrown = parses.run(() -> {
      throw ApiException.forbidden("This invitation link is not valid for this call.");
    });
    assertThat(thrown.failed()).as("a refusal thrown at once is a failed future").isTrue();
    assertThat(parses.run(() -> Future.succeededFuture("again")).result())
        .as("the failure and the refusal gave their places back").isEqualTo("again");
    Promise<String> two = Promise.promise();
    Promise<String> three = Promise.promise();
    assertThat(parses.run(two::future).isComplete()).isFalse();
    assertThat(parses.run(three::future).isComplete()).as("full again: the third of three").isFalse();
    assertThat(parses.run(() -> Future.succeededFuture("x")).failed()).isTrue();
  }
}
