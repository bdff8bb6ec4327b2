package fr.cantou.platform;

import fr.cantou.support.TestNode;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's jobs: one failing, even by throwing as it starts, holds none of the others back; they
 * do not all start at the same moment.
 */
class JobsTest {
  @Test
  void the_jobs_first_runs_are_spread_evenly_over_the_period_in_their_order() {
    long period = 5_000;
    List<Long> firstRuns = java.util.stream.IntStream.range(0, 11).mapToObj(i -> Jobs.firstRunAfter(period, i, 11)).toList();

    assertThat(firstRuns).isSorted().doesNotHaveDuplicates();
    assertThat(firstRuns.get(0)).as("none in the node's first period").isEqualTo(period);
    assertThat(firstRuns.get(10)).isEqualTo(period + 4_545);
    for (int i = 1; i < firstRuns.size(); i++) {
      assertThat(firstRuns.get(i) - firstRuns.get(i - 1)).as("between job %d and job %d", i - 1, i).isBetween(454L, 455L);
    }
  }

  @Test
  void a_job_that_throws_as_it_starts_fails_alone_and_the_others_run() throws Exception {
    try (TestNode node = TestNode.start()) {
      runAll(node);
    }
  }

  @Test
  void a_job_still_running_is_not_started_again_by_the_next_period_and_one_asked_for_waits_for_it() throws Exception {
    try (TestNode node = TestNode.start()) {
      AtomicInteger started = new AtomicInteger();
      io.vertx.core.Promise<Void> first = io.vertx.core.Promise.promise();
      Jobs jobs = new Jobs(node.node().platform(), List.of(new Jobs.Job("long", () -> {
        started.incrementAndGet();
        return started.get() == 1 ? first.future() : Future.succeededFuture();
      })));
      CompletableFuture<Void> second = new CompletableFuture<>();
      CompletableFuture<Void> asked = new CompletableFuture<>();
      node.vertx().runOnContext(v -> {
        jobs.tick();
        jobs.tick().onComplete(done -> second.complete(null));
        // Asked for by hand (a test, an operator), the job runs once the running one has ended.
        jobs.runAll().onComplete(done -> asked.complete(null));
      });
      second.get(10, TimeUnit.SECONDS);
      assertThat(started).as("the next period found the first run still going").hasValue(1);
      assertThat(asked).isNotDone();
      node.vertx().runOnContext(v -> first.complete());
      asked.get(10, TimeUnit.SECONDS);
      assertThat(started).as("once it has ended, the run asked for starts it").hasValue(2);
    }
  }

  @Test
  void a_run_that_never_ends_is_given_up_and_the_job_starts_again() throws Exception {
    try (TestNode node = TestNode.start()) {
      AtomicInteger started = new AtomicInteger();
      Jobs jobs = new Jobs(node.node().platform(), List.of(new Jobs.Job("stuck", () -> {
        started.incrementAndGet();
        return io.vertx.core.Promise.promise().future();
      })), java.time.Duration.ofMillis(200));
      CompletableFuture<Throwable> first = new CompletableFuture<>();
      node.vertx().runOnContext(v -> jobs.tick().onComplete(done -> first.complete(done.cause())));
      assertThat(first.get(10, TimeUnit.SECONDS)).as("the stuck run, given up, fails").isNotNull();
      CompletableFuture<Void> next = new CompletableFuture<>();
      node.vertx().runOnContext(v -> jobs.tick().onComplete(done -> next.complete(null)));
      next.get(10, TimeUnit.SECONDS);
      assertThat(started).as("the next period starts the job again").hasValue(2);
    }
  }

  private static void runAll(TestNode node) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Jobs jobs = new Jobs(node.node().platform(), List.of(
        new Jobs.Job("throws_at_once", () -> {
          throw new IllegalStateException("a bug in a job");
        }),
        new Jobs.Job("fails_its_future", () -> Future.failedFuture("refused")),
        new Jobs.Job("works", () -> {
          ran.incrementAndGet();
          return Future.succeededFuture();
        })));
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    node.vertx().runOnContext(v -> jobs.runAll().onComplete(done -> outcome.complete(done.cause())));
    Throwable failure = outcome.get(10, TimeUnit.SECONDS);
    assertThat(failure).as("the run says a job failed").isNotNull();
    assertThat(ran).as("the job after the one that threw ran").hasValue(1);
  }
}
