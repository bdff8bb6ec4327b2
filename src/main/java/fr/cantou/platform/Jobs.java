package fr.cantou.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's one job scheduler. Every feature's periodic work is a {@link Job}; each runs once
 * every period on every node, the jobs one after another through the period. Jobs are rows and
 * conditional updates, so each change happens once whichever node runs it, and a restart loses
 * nothing. Each job is counted (cantou_jobs_runs, cantou_jobs_failures); one failing holds none
 * of the others back.
 */
public final class Jobs {
  private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

  /** A feature's periodic work, named for the figures and the log. */
  public record Job(String name, Supplier<Future<?>> run) {}

  private final Platform platform;
  private final List<Job> jobs;
  private final List<Long> timers = new java.util.ArrayList<>();
  /** The run of each job that has not ended. */
  private final java.util.Map<String, Future<Void>> running = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A run still going after this long is given up (counted as failed, logged): the next period starts the job again
   * beside it. A mail run waiting on a relay that accepted the connection and went silent would otherwise keep its job
   * off until the node restarts.
   */
  static final java.time.Duration LONGEST_RUN = java.time.Duration.ofMinutes(10);

  private final java.time.Duration longestRun;

  public Jobs(Platform platform, List<Job> jobs) {
    this(platform, jobs, LONGEST_RUN);
  }

  Jobs(Platform platform, List<Job> jobs, java.time.Duration longestRun) {
    this.platform = platform;
    this.jobs = List.copyOf(jobs);
    this.longestRun = longestRun;
  }

  /**
   * Each job on a timer of its own, their runs spread over the period. Started together, a dozen
   * jobs' statements took the pool and PostgreSQL's cores at once every period, and a request
   * arriving then waited behind them (a create answered in 107 ms instead of 6, in the fan-out
   * benchmark of 3 December 2026).
   */
  public void start(long periodMs) {
    for (int i = 0; i < jobs.size(); i++) {
      Job job = jobs.get(i);
      timers.add(platform.vertx().setPeriodic(firstRunAfter(periodMs, i, jobs.size()), periodMs, id -> run(job, false)
          .onFailure(e -> LOG.warn("event=job_failed job={} reason=\"{}\"", job.name(), e.getMessage()))));
    }
  }

  /**
   * When the job at {@code index} of {@code count} first runs: the first one period after the
   * start, as all did before (a node's first seconds stay free of them, and tests run them
   * themselves), the others in order through the next period.
   */
  static long firstRunAfter(long periodMs, int index, int count) {
    return Math.max(1, periodMs + periodMs * index / count);
  }

  public void stop() {
    timers.forEach(platform.vertx()::cancelTimer);
    timers.clear();
  }

  /**
   * Every job once, the way each one's timer runs it (tests use it; the timers run the jobs one at a time): but not
   * those whose previous run has not ended (a run of the mail job may send a burst's thousand confirmations: the next
   * period does not start a second one beside it).
   */
  Future<Void> tick() {
    return Future.join(jobs.stream().map(job -> run(job, false)).toList()).mapEmpty();
  }

  /** Runs every job now (one still running is run again once it has ended); fails if any failed, once all have ended. */
  public Future<Void> runAll() {
    return Future.join(jobs.stream().map(job -> run(job, true)).toList()).mapEmpty();
  }

  private Future<Void> run(Job job, boolean afterARunningOne) {
    Promise<Void> mine = Promise.promise();
    Future<Void> earlier = running.putIfAbsent(job.name(), mine.future());
    if (earlier != null) {
      LOG.debug("event=job_still_running job={}", job.name());
      return afterARunningOne ? earlier.transform(ended -> run(job, true)) : Future.succeededFuture();
    }
    platform.metrics().job(job.name(), () -> started(job).timeout(longestRun.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          if (e instanceof java.util.concurrent.TimeoutException) {
            LOG.warn("event=job_given_up job={} afterMs={}", job.name(), longestRun.toMillis());
          }
        })).onComplete(ended -> {
      running.remove(job.name(), mine.future());
      mine.handle(ended);
    });
    return mine.future();
  }

  /** A job that throws as it starts (instead of failing its future) fails alone and is counted, like any other failure. */
  private static Future<Void> started(Job job) {
    try {
      return job.run().get().mapEmpty();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
