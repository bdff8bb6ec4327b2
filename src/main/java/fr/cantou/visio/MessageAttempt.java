package fr.cantou.visio;

import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The attempt a run makes at a message of the queue (a mail or an SMS), from {@link MailStore#claimAgain}, which counts
 * it ({@code attempts} is then the attempt's token), to the word it leaves on the row ({@link #run}). Three rules keep a
 * message from going twice, or from ending with another attempt's word:
 * <ul>
 * <li>its hand-over (to the mail server, to the SMS provider) never starts once the claim could lapse before the
 * hand-over's own bound and its outcome's writes have run out ({@link #handOver}). The steps before it (reading the
 * appointment, composing the message on a worker thread, the booker's address) may stall behind a busy worker pool or
 * a slow database; past the claim another node's run takes the message back and sends it too (twice, each with its own
 * manage link). Too late,
 * the attempt is given back ({@link MailStore#giveBack}): it never started, so it does not count, and the next run makes
 * it, even when it is the message's last ({@link MailStore#giveUpUnfinished} would fail it unsent otherwise).</li>
 * <li>its outcome is written only while the row is still this attempt's: {@code attempts} still its token, not sent
 * (and, for a retry, not failed). A run whose claim lapsed and whose message another run took since leaves the row to
 * that run, logged (event=message_outcome_left): its late "failed, retry at" no longer erases the other run's claim or
 * "sent", nor is a message counted given up twice.</li>
 * <li>a message handed over is not handed over again by a run that does not know it may have gone. Its hand-over's
 * start is written first ({@link MailStore#handingOver}); its "sent" is written again after a short pause when the
 * database fails ({@link #sent}: a lost connection, a failover), while its claim holds, and never turns into "failed,
 * retry at". Still unwritten, the row is left claimed, its hand-over's start on it: the attempt after it, once the
 * claim lapsed, hands it over again saying so (WARN event=message_perhaps_sent_again). A hand-over outliving its bound
 * ({@link #run}) is perhaps under way, not failed: the run stops waiting, the message stays claimed and gets the word of
 * its exchange when that ends (the client's own timeouts end it). Neither is given back to be sent again while its
 * exchange may still complete.</li>
 * </ul>
 *
 * <p><b>Decision</b>: at least once where nobody can know whether it went — a node stopped mid-exchange, the database
 * out of reach longer than the attempt's pauses, an exchange outliving its claim: she may get a message twice rather
 * than never (a confirmation, a reminder she misses costs her the appointment), and the operator reads it in the WARN
 * line. Everywhere else, once.
 *
 * <p><b>Decision</b>: a message given up by {@link MailStore#giveUpUnfinished} (its last attempt's claim lapsed
 * without a word from its sender) whose sender then says it was handed over ends <em>sent</em>, not failed. The give-up
 * was a guess ("it may have gone, or not"); the sender's word is the fact. The failed messages are the operator's list
 * of people to tell another way, and this one was told; and the next change to her is told from what this message said
 * ({@link MailStore#heardOf}). The alert has fired (a message is counted given up once, when given up): the WARN line
 * event=message_sent_after_given_up tells the operator it was a false one. A sender whose last attempt failed after its
 * give-up writes its real error over "never finished" (what to tell the operator), and is not counted a second time.
 */
final class MessageAttempt {
  private static final Logger LOG = LoggerFactory.getLogger(MessageAttempt.class);

  /** Its outcome's writes: again after these pauses (doubling), while its claim holds. */
  private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  private static final int WRITES = 5;
  /** What an attempt keeps of its claim for its outcome's writes and their pauses (3.75 s), after its hand-over's bound. */
  static final Duration OUTCOME_WITHIN = Duration.ofSeconds(10);

  /** Past its hand-over's last start: given back, not failed ({@link MessageAttempt#giveBack}). */
  static final class TooLate extends RuntimeException {
    TooLate(Instant handOverBy) {
      super("its hand-over would have started after " + handOverBy, null, false, false);
    }
  }

  /** Nothing more for this attempt to write: another run took the message since (logged). */
  private static final class Left extends RuntimeException {
    Left() {
      super(null, null, false, false);
    }
  }

  /** Nothing more for this attempt to write: its outcome could not be written (logged). */
  private static final class Unwritten extends RuntimeException {
    Unwritten(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private final Platform platform;
  private final MailStore store;
  private final MailStore.DueMail message;
  private final Instant startedAt;
  private final Duration claim;
  private final Duration handOverWithin;
  private final Instant claimedUntil;
  /** The last instant its hand-over may start: its claim's end less the hand-over's own bound and its outcome's writes. */
  private final Instant handOverBy;
  /** Completed when its hand-over outlives its bound. */
  private final Promise<Void> overdue = Promise.promise();
  /** Its hand-over started: a failure after it is the exchange's ({@link MailStore#mailFailed}'s refused). */
  private boolean handedOver;

  /** An attempt starting now, claimed for {@code claim}, whose hand-over takes at most {@code handOverWithin}. */
  MessageAttempt(Platform platform, MailStore store, MailStore.DueMail message, Duration claim, Duration handOverWithin) {
    this.platform = platform;
    this.store = store;
    this.message = message;
    this.startedAt = platform.clock().instant();
    this.claim = claim;
    this.handOverWithin = handOverWithin;
    this.claimedUntil = startedAt.plus(claim);
    this.handOverBy = claimedUntil.minus(handOverWithin).minus(OUTCOME_WITHIN);
  }

  /**
   * The attempt, from its claim ({@link #claim}) to its word: {@code deliver} composes the message and hands it over
   * ({@link #handOver}), {@code failed} writes a failure's word. Answers, once it ended or its hand-over outlived its
   * bound (then it goes on, and writes its exchange's word when it ends), whether the run should claim no more: its
   * hand-over was overdue, or its outcome could not be written.
   */
  Future<Boolean> run(Function<MessageAttempt, Future<Void>> deliver, Function<Throwable, Future<Void>> failed) {
    return claim().compose(mine -> mine ? awaited(deliver.apply(this).recover(e -> ended(e, failed)))
        : Future.succeededFuture(false));
  }

  private Future<Void> ended(Throwable e, Function<Throwable, Future<Void>> failed) {
    if (e instanceof TooLate) {
      return giveBack();
    }
    return e instanceof Left || e instanceof Unwritten ? Future.failedFuture(e) : failed.apply(e);
  }

  /** Its end, or its hand-over's bound passed first (true). */
  private Future<Boolean> awaited(Future<Void> attempt) {
    Promise<Boolean> waited = Promise.promise();
    attempt.onComplete(done -> {
      if (done.succeeded()) {
        waited.tryComplete(false);
      } else if (done.cause() instanceof Left || done.cause() instanceof Unwritten) {
        waited.tryComplete(done.cause() instanceof Unwritten);
      } else if (!waited.tryFail(done.cause())) {
        LOG.warn("event=message_attempt_failed_late kind={} channel={} attempt={} reason=\"{}\"", message.kind(),
            message.channel(), message.attempts(), done.cause().getMessage());
      }
    });
    overdue.future().onSuccess(v -> {
      if (waited.tryComplete(true)) {
        LOG.warn("event=message_hand_over_overdue kind={} channel={} attempt={} reason=\"its exchange outlived its bound"
            + " ({}): perhaps sent, kept claimed, its word written when the exchange ends\"", message.kind(),
            message.channel(), message.attempts(), handOverWithin);
      }
    });
    return waited.future();
  }

  MailStore.DueMail message() {
    return message;
  }

  /** When it started: the time of its outcomes that say no more precise one. */
  Instant startedAt() {
    return startedAt;
  }

  /** Claimed again and counted; false (logged) when another run started an attempt since or the message ended. */
  Future<Boolean> claim() {
    return store.claimAgain(platform.pool(), message, startedAt.plus(claim)).onSuccess(mine -> {
      if (!mine) {
        leftToAnotherRun();
      }
    });
  }

  /**
   * Hands the message over ({@code handOver}: to the mail server, to the SMS provider) while it may still start, bound
   * by its own time; past its last start, starts nothing and fails with {@link TooLate}.
   */
  Future<Void> handOver(Supplier<Future<Void>> handOver) {
    Instant now = platform.clock().instant();
    if (now.isAfter(handOverBy)) {
      return Future.failedFuture(new TooLate(handOverBy));
    }
    return store.handingOver(platform.pool(), message, now).compose(started -> {
      if (!started.mine()) {
        leftToAnotherRun();
        return Future.failedFuture(new Left());
      }
      if (started.before() != null) {
        LOG.warn("event=message_perhaps_sent_again kind={} channel={} attempt={} handed_over_before={} reason=\"an earlier"
            + " attempt handed it over and left no word: it may have gone, sent again (at least once)\"", message.kind(),
            message.channel(), message.attempts(), started.before());
      }
      handedOver = true;
      long bound = platform.vertx().setTimer(handOverWithin.toMillis(), id -> overdue.tryComplete());
      return handOver.get().onComplete(done -> platform.vertx().cancelTimer(bound));
    });
  }

  /** Done without a word sent (nothing to tell, or nobody to tell it to). */
  Future<Void> done() {
    return sent(startedAt, null);
  }

  /** Handed over at {@code at}, telling its reader the appointment starts at {@code told} (null: it tells no start). */
  Future<Void> sent(Instant at, Instant told) {
    return written("sent", () -> store.mailSent(platform.pool(), message, at, told)).map(written -> {
      if (written == MailStore.Written.OVER_GIVE_UP) {
        LOG.warn("event=message_sent_after_given_up kind={} channel={} attempt={}", message.kind(), message.channel(),
            message.attempts());
      } else if (written == MailStore.Written.NO) {
        left("sent");
      }
      return null;
    });
  }

  /** Failed, to be tried again at {@code retryAt}. */
  Future<Void> retryAt(String error, Instant retryAt) {
    return written("retry", () -> store.mailFailed(platform.pool(), message, error, retryAt, handedOver)).map(written -> {
      if (!written) {
        left("retry");
      }
      return null;
    });
  }

  /**
   * Failed for good: never tried again. True when this word ended the message, to be counted given up; false when it had
   * been given up already (its error now the real one) or another run holds it (both logged).
   */
  Future<Boolean> failedForGood(String error) {
    Instant at = platform.clock().instant();
    return written("failed", () -> store.finallyFailed(platform.pool(), message, error, at)).map(written -> {
      if (written == MailStore.Written.OVER_GIVE_UP) {
        LOG.warn("event=message_failed_after_given_up kind={} channel={} attempt={} reason=\"{}\"", message.kind(),
            message.channel(), message.attempts(), error);
      } else if (written == MailStore.Written.NO) {
        left("failed");
      }
      return written == MailStore.Written.YES;
    });
  }

  /** Too late to hand it over ({@link #handOver}): given back to the next run, uncounted, unless another run took it. */
  Future<Void> giveBack() {
    return store.giveBack(platform.pool(), message).map(given -> {
      if (given) {
        LOG.warn("event=message_attempt_given_back kind={} channel={} attempt={} reason=\"its hand-over would have started"
            + " after {}, its claim about to lapse\"", message.kind(), message.channel(), message.attempts(), handOverBy);
      } else {
        leftToAnotherRun();
      }
      return null;
    });
  }

  /**
   * Written, or written again after a pause (doubling from {@link #FIRST_PAUSE}) while its claim holds, at most
   * {@link #WRITES} times. Still unwritten, nothing more is written (logged): the row stays claimed, and, handed over,
   * carries its hand-over's start for the attempt after it.
   */
  private <T> Future<T> written(String outcome, Supplier<Future<T>> write) {
    return written(outcome, write, 1);
  }

  private <T> Future<T> written(String outcome, Supplier<Future<T>> write, int tries) {
    return write.get().recover(e -> {
      if (tries >= WRITES || !platform.clock().instant().isBefore(claimedUntil)) {
        LOG.warn("event=message_outcome_unwritten kind={} channel={} attempt={} outcome={} handed_over={} tries={}"
            + " reason=\"{}: left claimed{}\"", message.kind(), message.channel(), message.attempts(), outcome, handedOver,
            tries, e.getMessage(), handedOver ? ", perhaps sent, the attempt after it told so" : "");
        return Future.failedFuture(new Unwritten(e));
      }
      Promise<T> again = Promise.promise();
      platform.vertx().setTimer(FIRST_PAUSE.toMillis() << (tries - 1), id -> written(outcome, write, tries + 1).onComplete(again));
      return again.future();
    });
  }

  private void leftToAnotherRun() {
    LOG.info("event=message_left_to_another_run kind={} channel={} attempt={}", message.kind(), message.channel(),
        message.attempts());
  }

  /** An outcome this attempt does not write: the message is another run's now (taken, or ended, since). */
  private void left(String outcome) {
    LOG.warn("event=message_outcome_left kind={} channel={} attempt={} outcome={} reason=\"another run took the message"
        + " since\"", message.kind(), message.channel(), message.attempts(), outcome);
  }
}
