package fr.cantou.visio;

import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * The attempt a run makes at a message of the queue (a mail or an SMS), from {@link MailStore#claimAgain}, which counts
 * it ({@code attempts} is then the attempt's token), to the word it leaves on the row. Two rules keep a message from
 * going twice, or from ending with another attempt's word:
 * <ul>
 * <li>its hand-over (to the mail server, to the SMS provider) never starts once the claim could lapse before the
 * hand-over's own bound has run out ({@link #handOver}). The steps before it (reading the appointment, composing the
 * message on a worker thread, the booker's address) may stall behind a busy worker pool or a slow database; past the
 * claim another node's run takes the message back and sends it too (twice, each with its own manage link). Too late,
 * the attempt is given back ({@link MailStore#giveBack}): it never started, so it does not count, and the next run makes
 * it, even when it is the message's last ({@link MailStore#giveUpUnfinished} would fail it unsent otherwise).</li>
 * <li>its outcome is written only while the row is still this attempt's: {@code attempts} still its token, not sent
 * (and, for a retry, not failed). A run whose claim lapsed and whose message another run took since leaves the row to
 * that run, logged (event=message_outcome_left): its late "failed, retry at" no longer erases the other run's claim or
 * "sent", nor is a message counted given up twice.</li>
 * </ul>
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

  /** Past its hand-over's last start: given back, not failed ({@link MessageAttempt#giveBack}). */
  static final class TooLate extends RuntimeException {
    TooLate(Instant handOverBy) {
      super("its hand-over would have started after " + handOverBy, null, false, false);
    }
  }

  private final Platform platform;
  private final MailStore store;
  private final MailStore.DueMail message;
  private final Instant startedAt;
  private final Duration claim;
  private final Duration handOverWithin;
  /** The last instant its hand-over may start: its claim's end less the hand-over's own bound. */
  private final Instant handOverBy;

  /** An attempt starting now, claimed for {@code claim}, whose hand-over takes at most {@code handOverWithin}. */
  MessageAttempt(Platform platform, MailStore store, MailStore.DueMail message, Duration claim, Duration handOverWithin) {
    this.platform = platform;
    this.store = store;
    this.message = message;
    this.startedAt = platform.clock().instant();
    this.claim = claim;
    this.handOverWithin = handOverWithin;
    this.handOverBy = startedAt.plus(claim).minus(handOverWithin);
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
  Future<Void> handOver(java.util.function.Supplier<Future<Void>> handOver) {
    if (platform.clock().instant().isAfter(handOverBy)) {
      return Future.failedFuture(new TooLate(handOverBy));
    }
    return handOver.get().timeout(handOverWithin.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Done without a word sent (nothing to tell, or nobody to tell it to). */
  Future<Void> done() {
    return sent(startedAt, null);
  }

  /** Handed over at {@code at}, telling its reader the appointment starts at {@code told} (null: it tells no start). */
  Future<Void> sent(Instant at, Instant told) {
    return store.mailSent(platform.pool(), message, at, told).map(written -> {
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
    return store.mailFailed(platform.pool(), message, error, retryAt).map(written -> {
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
    return store.finallyFailed(platform.pool(), message, error, platform.clock().instant()).map(written -> {
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
