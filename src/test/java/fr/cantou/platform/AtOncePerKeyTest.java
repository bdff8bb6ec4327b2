package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bound of one key's work at once (a user's uploads on a node): past it that key is refused at once, another key is
 * not, and every way a piece of work ends gives its place back — a success, a failure, a refusal thrown before any future.
 */
class AtOncePerKeyTest {
  private final AtOncePerKey<String> uploads = new AtOncePerKey<>(2, () -> ApiException.tooManyRequests(
      "Your other files are still being sent; wait a moment until they have arrived, then send this one again.").retryAfter(5));

  @Test
  void past_its_bound_a_key_is_refused_at_once_another_key_is_not_and_each_end_gives_its_place_back() {
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    assertThat(uploads.run("sophie", first::future).isComplete()).isFalse();
    assertThat(uploads.run("sophie", second::future).isComplete()).isFalse();
    Future<String> third = uploads.run("sophie", () -> Future.succeededFuture("never run"));
    assertThat(third.failed()).isTrue();
    assertThat(((ApiException) third.cause()).status()).isEqualTo(429);
    assertThat(((ApiException) third.cause()).retryAfterSeconds()).isEqualTo(5);
    assertThat(uploads.run("marie", () -> Future.succeededFuture("hers")).result()).as("another key").isEqualTo("hers");

    first.complete("stored");
    assertThat(uploads.run("sophie", () -> Future.succeededFuture("next")).result()).as("a success gave its place back")
        .isEqualTo("next");
    second.fail(new IllegalStateException("the client left mid-body"));
    Future<String> thrown = uploads.run("sophie", () -> {
      throw ApiException.forbidden("Only a nurse of the requesting organisation may add photos and documents.");
    });
    assertThat(thrown.failed()).as("a refusal thrown at once is a failed future").isTrue();
    assertThat(uploads.running("sophie")).as("the failure and the refusal gave their places back").isZero();
    assertThat(uploads.running("marie")).isZero();
  }
}
