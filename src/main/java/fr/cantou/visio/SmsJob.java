package fr.cantou.visio;

import fr.cantou.notify.LogSmsSender;
import fr.cantou.notify.SmsMessage;
import fr.cantou.notify.SmsSender;
import fr.cantou.platform.Futures;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Sends the SMS that are due, from the same queue as the mails (their channel is sms). A row
 * is claimed for five minutes (SKIP LOCKED; longer than the provider's longest timeout), and again
 * just before it is sent, which takes at most two minutes and starts within the claim's first 2 min 50 s or not at all
 * ({@link MessageAttempt}), so every node runs this job and each SMS goes once. A failure (no answer, an answer other than 2xx) is
 * tried again after 1, 2, 4 then 8 minutes; after the fifth attempt the SMS is marked failed and
 * logged as such (event=sms_failed final=true), never sent again.
 */
public final class SmsJob {
  private static final Logger LOG = LoggerFactory.getLogger(SmsJob.class);
  static final Duration CLAIM = Duration.ofMinutes(5);
  /**
   * The longest an SMS takes to be handed over: the provider's longest timeout (sms.timeoutSeconds, at most 120), well
   * within its claim.
   */
  static final Duration SEND_WITHIN = Duration.ofMinutes(2);
  static final Duration FIRST_RETRY = Duration.ofMinutes(1);
  static final int MAX_ATTEMPTS = 5;

  private final Platform platform;
  private final MailStore store;
  private final AppointmentService appointments;
  private final VisioSms texts;
  private final ManageTokens tokens;
  private final SmsSender sender;
  private final Function<UUID, Future<Optional<Instant>>> offerHeldUntil;

  /** {@code offerHeldUntil}: until when a slot of the waiting list is held for her (empty once let go). */
  SmsJob(Platform platform, MailStore store, AppointmentService appointments, VisioSms texts, ManageTokens tokens,
         SmsSender sender, Function<UUID, Future<Optional<Instant>>> offerHeldUntil) {
    this.offerHeldUntil = offerHeldUntil;
    this.platform = platform;
    this.store = store;
    this.appointments = appointments;
    this.texts = texts;
    this.tokens = tokens;
    this.sender = sender;
  }

  /** Batch after batch while the last one came back full, like {@link MailJob#run}. */
  public Future<Void> run() {
    return MailJob.giveUpUnfinished(platform, store, List.of(MailStore.SMS), MAX_ATTEMPTS)
        .compose(v -> Futures.inBatches(this::batch, MailStore.BATCH, MailStore.MAX_BATCHES)).mapEmpty();
  }

  /**
   * One batch, claimed at its own time (its claim lasts {@link #CLAIM} from then); answers how many it claimed, or none
   * when a message of it failed: a provider that refuses or times out is not tried with the next batches in the run.
   */
  private Future<Integer> batch() {
    Instant now = platform.clock().instant();
    java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    return store.claimDueMails(platform.pool(), List.of(MailStore.SMS), now, now.plus(CLAIM), MAX_ATTEMPTS, MailStore.BATCH)
        .compose(due -> Futures.sequence(due, sms -> send(sms, failed)).map(v -> failed.get() ? 0 : MailStore.handled(due)));
  }

  /** Back-off: 1, 2, 4, 8 minutes after the first, second… failed attempt. */
  static Duration retryAfter(int attempts) {
    return FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 10));
  }

  /**
   * Sent on a claim renewed for it ({@link MailStore#claimAgain}): a batch of SMS to a provider answering within its
   * timeout (up to two minutes each) outlasts the batch's claim; one taken since by another run is left to it. Its
   * hand-over starts only while it can end within the claim ({@link MessageAttempt}).
   */
  private Future<Void> send(MailStore.DueMail sms, java.util.concurrent.atomic.AtomicBoolean failed) {
    MessageAttempt attempt = new MessageAttempt(platform, store, sms, CLAIM, SEND_WITHIN);
    return MailJob.stopsTheRun(attempt.run(this::deliver, e -> failed(attempt, failed, e)), failed);
  }

  private Future<Void> deliver(MessageAttempt attempt) {
    MailStore.DueMail sms = attempt.message();
    return appointments.appointment(sms.appointmentId()).compose(a -> store.heardOf(platform.pool(), sms).compose(heard -> {
      if (MailJob.alreadyKnown(heard, a)) {
        return attempt.done();
      }
      boolean offer = "offer".equals(sms.kind());
      // An offer already taken is told by the confirmation; one let go or expired, by nothing.
      boolean stale = sms.kind().startsWith("reminder") && !a.open() || offer && !"offered".equals(a.status());
      if (a.citizen().phone() == null || stale) {
        return attempt.done();
      }
      UUID id = UUID.fromString(a.id());
      String link = texts.shortLink(a.reference(), tokens.shortCode(id, a.manageTokenVersion()));
      String to = PhoneNumbers.canonical(a.citizen().phone());
      Future<Optional<Instant>> until = offer ? offerHeldUntil.apply(id) : Future.succeededFuture(Optional.empty());
      return until.compose(held -> offer && held.isEmpty() ? attempt.done()
          : send(attempt, a, to, texts.compose(sms.kind(), a, link, held.orElse(null))));
    }));
  }

  /**
   * Handed to the provider within {@link #SEND_WITHIN}, less than the claim renewed just before; not started at all
   * when it could not end within the claim.
   */
  private Future<Void> send(MessageAttempt attempt, Appointment a, String to, String text) {
    MailStore.DueMail sms = attempt.message();
    return attempt.handOver(() -> sender.send(new SmsMessage(to, text)))
        .compose(v -> attempt.sent(platform.clock().instant(), "offer".equals(sms.kind()) ? null : MailJob.told(a)))
        .onSuccess(v -> platform.metrics().sms("sent"))
        .onSuccess(v -> LOG.info("event=sms_sent kind={} appointment={} to={}", sms.kind(), a.reference(),
            LogSmsSender.mask(to)));
  }

  /** Tried again after a back-off; at its last attempt, marked failed, never tried again. Stops the run's batches. */
  private Future<Void> failed(MessageAttempt attempt, java.util.concurrent.atomic.AtomicBoolean failed, Throwable e) {
    failed.set(true);
    MailStore.DueMail sms = attempt.message();
    String reason = String.valueOf(e.getMessage());
    platform.metrics().sms("failed");
    if (sms.attempts() >= MAX_ATTEMPTS) {
      return attempt.failedForGood(reason).map(ended -> {
        if (ended) {
          MailJob.givenUp(platform, sms.channel(), sms.kind(), sms.attempts(), reason);
        }
        return null;
      });
    }
    Instant retry = attempt.startedAt().plus(retryAfter(sms.attempts()));
    LOG.warn("event=sms_failed final=false kind={} attempt={} retry_at={} reason=\"{}\"", sms.kind(), sms.attempts(), retry,
        reason);
    return attempt.retryAt(reason, retry);
  }
}
