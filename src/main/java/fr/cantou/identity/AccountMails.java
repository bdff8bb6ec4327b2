package fr.cantou.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.util.UUID;

/**
 * The mails an account's owner gets about her account, queued inside the transaction that makes the change: no change
 * without its mail, no mail without the change; sent later by the node's queue of messages, with its retries, so a mail
 * server down never fails the change. Identity knows no queue (it sits below the flows): visio's queue of messages
 * implements this ({@code VisioModule.accountMails}), and CantouNode hands it over, as it does {@link AccountEvents}.
 */
public interface AccountMails {
  /** "The password of your Cantou account was changed at …; if it was not you, tell your administrator." */
  String PASSWORD_CHANGED = "password_changed";

  /** Her password was replaced at {@code at} (what the mail says, in her organisation's zone). */
  Future<Void> passwordChanged(SqlClient tx, UUID userId, Instant at);

  /**
   * "To choose a new password, open this link, valid until …; if you did not ask, ignore this mail": the link's token is
   * made as the mail goes ({@link PasswordLinks#issue}), and a link no longer valid by then is not sent.
   */
  String PASSWORD_LINK = "password_link";

  /** A link to choose her password, {@code linkId}, asked for at {@code at}. */
  Future<Void> passwordLink(SqlClient tx, UUID userId, UUID linkId, Instant at);

  /**
   * Deletes up to {@code batch} of these mails that ended (sent, or given up for good) before {@code before}, the oldest
   * first, skipping rows another node is deleting; never one still to go (due, claimed or to be tried again), however
   * old, nor a link's (it goes with its link). How many went.
   */
  Future<Integer> forgetEnded(SqlClient db, Instant before, int batch);
}
