package fr.cantou.visio;

import fr.cantou.notify.MailMessage;
import fr.cantou.notify.Mailer;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Sends the mails that are due. A row is claimed for two minutes (SKIP LOCKED), and again just
 * before it is sent, which takes at most one minute and starts within the claim's first 50 s or not at all
 * ({@link MessageAttempt}): every node runs this job and each mail goes
 * once; if a node dies while sending, another takes the row back when the claim lapses. The messages of one appointment on one channel go one at a time,
 * in order, whichever node sends them ({@link MailStore#claimDueMails}).
 */
public final class MailJob {
  private static final Logger LOG = LoggerFactory.getLogger(MailJob.class);
  static final Duration CLAIM = Duration.ofMinutes(2);
  private static final Duration RETRY = Duration.ofMinutes(5);
  /** The longest a mail takes to be handed over: well within its claim ({@link #handOver}). */
  private static final Duration SEND_WITHIN = Duration.ofMinutes(1);
  static final int MAX_ATTEMPTS = 10;
  private static final List<String> CHANNELS = List.of(MailStore.MAIL, MailStore.MEDIATOR, MailStore.ACCOUNT);

  private final Platform platform;
  private final MailStore store;
  private final AppointmentService appointments;
  private final CatalogueService catalogue;
  private final VisioMails mails;
  private final ManageTokens tokens;
  private final Mailer mailer;
  private final OfferMails offers;
  private final BookerMails toBooker;

  MailJob(Platform platform, MailStore store, AppointmentService appointments, CatalogueService catalogue, VisioMails mails,
          ManageTokens tokens, Mailer mailer, OfferMails offers, BookerMails toBooker) {
    this.offers = offers;
    this.toBooker = toBooker;
    this.platform = platform;
    this.store = store;
    this.appointments = appointments;
    this.catalogue = catalogue;
    this.mails = mails;
    this.tokens = tokens;
    this.mailer = mailer;
  }

  /**
   * Claims and sends a batch, then another while the last one came back full: a burst of bookings
   * has its confirmations sent in one run, not 20 every period (see {@link MailStore#BATCH}).
   */
  public Future<Void> run() {
    return giveUpUnfinished(platform, store, CHANNELS, MAX_ATTEMPTS)
        .compose(v -> Futures.inBatches(this::batch, MailStore.BATCH, MailStore.MAX_BATCHES)).mapEmpty();
  }

  /**
   * Fails the messages of these channels whose last attempt never finished ({@link MailStore#giveUpUnfinished}), each
   * logged at ERROR and counted as given up, as one whose last attempt was refused: the operator's alert sees both.
   */
  static Future<Void> giveUpUnfinished(Platform platform, MailStore store, List<String> channels, int maxAttempts) {
    return store.giveUpUnfinished(platform.pool(), channels, platform.clock().instant(), maxAttempts).map(givenUp -> {
      givenUp.forEach(m -> givenUp(platform, m.channel(), m.kind(), m.attempts(), m.error()));
      return null;
    });
  }

  /** Logged and counted: a person not told by this message (the agent's card still shows her contact). */
  static void givenUp(Platform platform, String channel, String kind, int attempts, String reason) {
    if (MailStore.SMS.equals(channel)) {
      platform.metrics().sms("given_up");
      LOG.error("event=sms_failed final=true kind={} attempts={} reason=\"{}\"", kind, attempts, reason);
    } else {
      platform.metrics().mailGivenUp();
      LOG.error("event=mail_failed final=true kind={} channel={} attempts={} reason=\"{}\"", kind, channel, attempts, reason);
    }
  }

  /**
   * One batch, claimed at its own time (its claim lasts {@link #CLAIM} from then); answers how many it claimed, or none
   * when a mail of it failed: a server that refuses or times out is not tried with the next batches in the same run.
   */
  private Future<Integer> batch() {
    Instant now = platform.clock().instant();
    java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    return store.claimDueMails(platform.pool(), CHANNELS, now, now.plus(CLAIM), MAX_ATTEMPTS, MailStore.BATCH)
        .compose(due -> Futures.sequence(due, mail -> send(mail, failed)).map(v -> failed.get() ? 0 : MailStore.handled(due)));
  }

  /**
   * Sent on a claim renewed for it ({@link MailStore#claimAgain}); left to the run that took it since, if any. Its
   * hand-over starts only while it can end within the claim ({@link MessageAttempt}).
   */
  private Future<Void> send(MailStore.DueMail mail, java.util.concurrent.atomic.AtomicBoolean failed) {
    MessageAttempt attempt = new MessageAttempt(platform, store, mail, CLAIM, SEND_WITHIN);
    return stopsTheRun(attempt.run(this::deliver, e -> failed(attempt, failed, e)), failed);
  }

  /** A hand-over overdue or an outcome unwritten ({@link MessageAttempt#run}) ends the run's batches, as a failure does. */
  static Future<Void> stopsTheRun(Future<Boolean> attempt, java.util.concurrent.atomic.AtomicBoolean failed) {
    return attempt.map(troubled -> {
      if (troubled) {
        failed.set(true);
      }
      return null;
    });
  }

  /**
   * Handed to the mail server within {@link #SEND_WITHIN}, less than the claim renewed just before (the SMTP timeout
   * closes a silent server's connection by then); past it the run goes on without it, the mail perhaps sent and kept
   * claimed until its exchange ends ({@link MessageAttempt}). Not started at all when it could not end within the claim.
   */
  private Future<Void> handOver(MessageAttempt attempt, MailMessage message) {
    return attempt.handOver(() -> mailer.send(message));
  }

  private Future<Void> deliver(MessageAttempt attempt) {
    MailStore.DueMail mail = attempt.message();
    if (MailStore.ACCOUNT.equals(mail.channel())) {
      return toAccount(attempt);
    }
    return appointments.appointment(mail.appointmentId()).compose(a -> store.heardOf(platform.pool(), mail).compose(heard -> {
      if (alreadyKnown(heard, a)) {
        LOG.info("event=mail_unneeded kind={} channel={} appointment={}", mail.kind(), mail.channel(), a.reference());
        return attempt.done();
      }
      Instant before = heard.orElse(null);
      if (MailStore.MEDIATOR.equals(mail.channel())) {
        return toBooker(attempt, a, before);
      }
      boolean offer = "offer".equals(mail.kind());
      // An offer already taken is told by the confirmation.
      boolean stale = mail.kind().startsWith("reminder") && !a.open() || offer && !"offered".equals(a.status());
      if (a.citizen().email() == null || stale) {
        return attempt.done();
      }
      Future<MailMessage> message = offer ? offers.compose(a) : catalogue.service(UUID.fromString(a.serviceId()))
          // Building the calendar file reads time-zone definitions: off the event loop.
          .compose(service -> platform.vertx().<MailMessage>executeBlocking(
              () -> mails.compose(mail.kind(), a, service, tokens.issue(a), before), false));
      return message
          .compose(m -> handOver(attempt, m))
          .compose(v -> attempt.sent(platform.clock().instant(), offer ? null : told(a)))
          .onSuccess(v -> sent(mail, a));
    }));
  }

  /** Tried again {@link #RETRY} later; at its last attempt, marked failed, never tried again. Stops the run's batches. */
  private Future<Void> failed(MessageAttempt attempt, java.util.concurrent.atomic.AtomicBoolean failed, Throwable e) {
    failed.set(true);
    MailStore.DueMail mail = attempt.message();
    String reason = String.valueOf(e.getMessage());
    platform.metrics().mailFailed();
    if (mail.attempts() >= MAX_ATTEMPTS) {
      return attempt.failedForGood(reason).map(ended -> {
        if (ended) {
          givenUp(platform, mail.channel(), mail.kind(), mail.attempts(), reason);
        }
        return null;
      });
    }
    LOG.warn("event=mail_failed final=false kind={} attempt={} reason=\"{}\"", mail.kind(), mail.attempts(), reason);
    return attempt.retryAt(reason, attempt.startedAt().plus(RETRY));
  }

  /**
   * A change whose reader last heard of the start the appointment has now: a message sent while it moved again told her
   * already, or it was moved back before she heard of the move.
   */
  static boolean alreadyKnown(java.util.Optional<Instant> heard, Appointment a) {
    return heard.filter(a.start().toInstant()::equals).isPresent();
  }

  /** The start a message composed from {@code a} tells. */
  static Instant told(Appointment a) {
    return a.start().toInstant();
  }

  /**
   * To the mediator who booked it; a move the appointment's cancellation overtook is not told. Without an open account
   * to write to (he left), the message is marked failed: the agent's card still names him and his house's phone.
   */
  private Future<Void> toBooker(MessageAttempt attempt, Appointment a, Instant before) {
    MailStore.DueMail mail = attempt.message();
    if (mail.kind().startsWith("change") && !a.open()) {
      return attempt.done();
    }
    return appointments.bookerAddress(mail.appointmentId()).compose(address -> address.isEmpty()
        ? attempt.failedForGood("the booker's account is closed").onSuccess(ended -> {
          if (ended) {
            platform.metrics().mailFailed();
            LOG.warn("event=mail_failed kind={} channel={} appointment={} reason=\"the booker's account is closed\"",
                mail.kind(), mail.channel(), a.reference());
          }
        }).<Void>mapEmpty()
        : handOver(attempt, toBooker.compose(mail.kind(), a, address.get(), before))
            .compose(v -> attempt.sent(platform.clock().instant(), told(a)))
            .onSuccess(v -> sent(mail, a)));
  }

  /**
   * To a staff member about her own account, at the address it has now (deactivated since, she is still told what was
   * done to it), with the time of the change, not of the sending.
   */
  private Future<Void> toAccount(MessageAttempt attempt) {
    MailStore.DueMail mail = attempt.message();
    return store.accountMail(platform.pool(), mail.id())
        .compose(to -> to.isEmpty() ? Future.succeededFuture(java.util.Optional.<MailMessage>empty())
            : StaffAccountMails.compose(platform.pool(), mail.kind(), to.get(), platform.config().defaultTimeZone(),
                platform.config().http().publicUrl(), platform.clock().instant()))
        // Nothing to tell any more (a link spent, void or expired before its mail went): done, nothing sent.
        .compose(composed -> composed.isEmpty() ? attempt.done() : handOver(attempt, composed.get())
            .compose(v -> attempt.sent(platform.clock().instant(), null))
            .onSuccess(v -> {
              platform.metrics().mailSent();
              LOG.info("event=mail_sent kind={} channel={}", mail.kind(), mail.channel());
            }));
  }

  private void sent(MailStore.DueMail mail, Appointment a) {
    platform.metrics().mailSent();
    LOG.info("event=mail_sent kind={} channel={} appointment={}", mail.kind(), mail.channel(), a.reference());
  }
}
