package fr.cantou.identity;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** Argon2 never runs on an event loop, not even the decoy hash every node makes when it starts. */
class PasswordHasherTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void the_decoy_is_hashed_on_the_hashing_pool_and_unknown_emails_still_pay_a_full_check() throws Exception {
    // The hashing pool's one thread kept busy: whatever the hasher hashes must wait for it.
    WorkerExecutor pool = vertx.createSharedWorkerExecutor("cantou-password-hashing", 1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    pool.executeBlocking(() -> {
      held.countDown();
      release.await();
      return null;
    }, false);
    held.await();

    Promise<PasswordHasher> made = Promise.promise();
    vertx.runOnContext(v -> made.complete(new PasswordHasher(vertx, 1024, 1, 1, 4)));
    PasswordHasher hasher = made.future().await();
    assertThat(hasher.decoy().isComplete()).as("the decoy hashed by the event loop that made the hasher").isFalse();

    release.countDown();
    assertThat(hasher.verify("un-mot-de-passe-au-hasard", null).await()).isFalse();
    assertThat(hasher.decoy().result()).startsWith("$argon2id$");
  }
}
