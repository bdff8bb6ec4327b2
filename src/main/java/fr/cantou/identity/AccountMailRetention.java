package fr.cantou.identity;

import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Retention: a staff member's mails about her account (her password changed) hold her address and the fact of the
 * change; once ended (sent, or given up for good) they are kept {@code auth.passwordLinkRetentionDays}, as her links
 * are, then every node's jobs delete them in short batches; counts only in the log. A mail still to go is never
 * deleted, however old; a link's mail goes with its link ({@link PasswordResets#purge}). The trail's line of the change
 * ({@code user.password_reset}, {@code user.password_changed}) follows {@code audit.retentionDays}.
 */
final class AccountMailRetention {
  private static final Logger LOG = LoggerFactory.getLogger(AccountMailRetention.class);
  /** Mails deleted by one statement, and statements at most in one run (every node's jobs). */
  static final int BATCH = 1_000;
  private static final int BATCHES_PER_RUN = 50;

  private final Platform platform;
  private final AccountMails mails;

  AccountMailRetention(Platform platform, AccountMails mails) {
    this.platform = platform;
    this.mails = mails;
  }

  Future<Integer> run() {
    Instant before = platform.clock().instant().minus(platform.config().auth().passwordLinksKept());
    return Futures.counted(() -> mails.forgetEnded(platform.pool(), before, BATCH), BATCH, BATCHES_PER_RUN)
        .onSuccess(done -> {
          if (done.erased() > 0) {
            LOG.info("event=retention kind=account_mail deleted={} batches={}", done.erased(), done.batches());
          }
        }).map(Futures.Batches::erased);
  }
}
