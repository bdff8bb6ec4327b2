package fr.cantou.visio;

import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * The attempt a run makes at a message of the queue (a mail or an SMS), from {@link MailStore#claimAgain}, which counts
 * it ({@code attempts} is then the attempt's token). Its hand-over (to the mail server, to the SMS provider) never
 * starts once the claim could lapse before the hand-over's own bound has run out ({@link #inTime}). The steps before it
 * (reading the appointment, composing the message on a worker thread, the booker's address) may stall behind a busy
 * worker pool or a slow database; past the claim another node's run takes the message back and sends it too (twice,
 * each with its own manage link). Too late, the attempt is given back ({@link MailStore#giveBack}): it never started,
 * so it does not count, and the next run makes it, even when it is the message's last ({@link
 * MailStore#giveUpUnfinished} would fail it unsent otherwise).
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
  /** The last instant its hand-over may start: its claim's end less the hand-over's own bound. */
  private final Instant handOverBy;

  /** An attempt starting now, claimed for {@code claim}, whose hand-over takes at most {@code handOverWithin}. */
  MessageAttempt(Platform platform, MailStore store, MailStore.DueMail message, Duration claim, Duration handOverWithin) {
    this.platform = platform;
    this.store = store;
    this.message = message;
    this.startedAt = platform.clock().instant();
    this.claim = claim;
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

  /** Succeeds while the hand-over may still start, just before it starts; past that, fails with {@link TooLate}. */
  Future<Void> inTime() {
    return platform.clock().instant().isAfter(handOverBy) ? Future.failedFuture(new TooLate(handOverBy))
        : Future.succeededFuture();
  }

  /** Too late to hand it over ({@link #inTime}): given back to the next run, uncounted, unless another run took it. */
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
}
