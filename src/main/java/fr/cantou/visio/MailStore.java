package fr.cantou.visio;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.utc;

/**
 * SQL of the queue of the citizen's messages (mails and SMS, one channel a row): an appointment's
 * messages written with it, claimed when due, marked sent, retried or finally failed.
 *
 * <p>Long because the queue's rules are its statements' conditions, which read each other's columns (a claim, the
 * attempt's token, the outcome written only by the attempt holding it, the give-up): kept side by side, one is read
 * against the others.
 *
 * <p>Only the scans of the due queue say "neither sent nor failed" as {@code sent_at IS NULL AND failed_at IS NULL},
 * the predicate of the due index ({@code visio_mail_due}); a statement that names one message (by its id, or an
 * appointment's others) says it as {@code num_nonnulls(sent_at, failed_at) = 0}, which PostgreSQL cannot match to
 * that index. While the queue grows faster than its statistics (a burst of bookings on a young table: every
 * unsent message estimated at one row), the planner took the due index for those too and read every unsent message
 * for each one: claims of 160–570 ms that held the rows they had locked meanwhile, attempts waiting on them, two
 * thirds of PostgreSQL's time during the bookings bench (6 December 2026, docs/benchmarks.md).
 */
final class MailStore {
  /** The channels of a message. */
  static final String MAIL = "mail";
  static final String SMS = "sms";
  /** To the mediator who booked for someone with neither phone nor e-mail: he is the one way she hears of a change. */
  static final String MEDIATOR = "mediator";
  /**
   * To a staff member about her own account (V106: a row naming the account, not an appointment), such as her password
   * changed ({@link StaffAccountMails}).
   */
  static final String ACCOUNT = "account";

  /** Messages claimed at a time by the mail and SMS jobs; a run claims another batch while one comes back full. */
  static final int BATCH = 20;
  /**
   * At most this many batches in one run (1,000 messages), so a run ends even while messages keep
   * coming due. A count rather than a time budget: the tests' clocks stand still (a budget read
   * from the platform clock would never run out there), and each batch takes its own claim from
   * its own time, so a long run never sends on a lapsed claim; the next period's run goes on.
   */
  static final int MAX_BATCHES = 50;

  /**
   * A message to send at a time, by mail or SMS; a change's carries the start its reader last heard of (else null).
   * {@code known}: a change its reader made himself, so knows without being sent it (the mediator moving the appointment
   * he booked): written as sent, telling that start, the next change is told from it.
   */
  public record Mail(String kind, Instant due, String channel, Instant previousStart, Instant known) {
    Mail(String kind, Instant due) {
      this(kind, due, MAIL);
    }

    Mail(String kind, Instant due, String channel) {
      this(kind, due, channel, null, null);
    }

    Mail(String kind, Instant due, String channel, Instant previousStart) {
      this(kind, due, channel, previousStart, null);
    }
  }

  /** Messages of each appointment id of the relation named, from three aligned array parameters: kinds, due times, channels. */
  static final String MAILS = """
      INSERT INTO visio_mail (appointment_id, kind, due_at, channel)
      SELECT x.id, m.kind, m.due, m.channel FROM %1$s x,
             unnest($%2$d::text[], $%3$d::timestamptz[], $%4$d::text[]) AS m(kind, due, channel)""";

  static String[] kinds(List<Mail> mails) {
    return mails.stream().map(Mail::kind).toArray(String[]::new);
  }

  static String[] channels(List<Mail> mails) {
    return mails.stream().map(Mail::channel).toArray(String[]::new);
  }

  private static OffsetDateTime[] instants(List<Mail> mails, java.util.function.Function<Mail, Instant> of) {
    return mails.stream().map(of).map(at -> at == null ? null : utc(at)).toArray(OffsetDateTime[]::new);
  }

  static OffsetDateTime[] dues(List<Mail> mails) {
    return mails.stream().map(m -> utc(m.due())).toArray(OffsetDateTime[]::new);
  }

  Future<Void> scheduleMail(SqlClient db, UUID appointmentId, String kind, Instant due, String channel) {
    return scheduleMails(db, appointmentId, List.of(new Mail(kind, due, channel)));
  }

  /** Several mails of an appointment in one statement. */
  Future<Void> scheduleMails(SqlClient db, UUID appointmentId, List<Mail> mails) {
    if (mails.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO visio_mail (appointment_id, kind, due_at, channel, previous_start, told_start, sent_at)
            SELECT $1, m.kind, m.due, m.channel, m.previous, m.known, CASE WHEN m.known IS NULL THEN NULL ELSE m.due END
            FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::timestamptz[], $6::timestamptz[])
              AS m(kind, due, channel, previous, known)""")
        .execute(Tuple.of(appointmentId, kinds(mails), dues(mails), channels(mails),
            instants(mails, Mail::previousStart), instants(mails, Mail::known)))
        .mapEmpty();
  }

  /** An account's mail of {@code kind}, due at once, telling the change made at {@code at}. */
  Future<Void> scheduleAccountMail(SqlClient db, UUID userId, String kind, Instant at) {
    return db.preparedQuery("INSERT INTO visio_mail (user_id, kind, due_at, channel, changed_at) VALUES ($1, $2, $3, $4, $3)")
        .execute(Tuple.of(userId, kind, utc(at), ACCOUNT))
        .mapEmpty();
  }

  /** The mail of a link to choose her password ({@code linkId}), asked for at {@code at}. */
  Future<Void> scheduleAccountLink(SqlClient db, UUID userId, String kind, UUID linkId, Instant at) {
    return db.preparedQuery("""
            INSERT INTO visio_mail (user_id, kind, due_at, channel, changed_at, password_link_id) VALUES ($1, $2, $3, $4, $3, $5)""")
        .execute(Tuple.of(userId, kind, utc(at), ACCOUNT, linkId))
        .mapEmpty();
  }

  /** {@link #forgetAccountMails}'s statement ({@code AccountMailPurgePlanTest} reads its plans). */
  static final String FORGET_ACCOUNT_MAILS = """
      DELETE FROM visio_mail WHERE id = ANY(ARRAY(
        SELECT id FROM visio_mail
        WHERE channel = 'account' AND password_link_id IS NULL AND coalesce(sent_at, failed_at) < $1
        ORDER BY coalesce(sent_at, failed_at) LIMIT $2 FOR UPDATE SKIP LOCKED))""";

  /**
   * Deletes up to {@code batch} of the account's mails (not a link's: it goes with its link, {@code PasswordLinkStore})
   * that ended before {@code before}: sent, or given up for good. A mail's end is when it was sent or given up, not
   * when its change was made: a mail that went after days of retries is kept its full time from then, the record of what
   * she was told and when. A mail still to go has no end, and stays whatever its age. Its expression and condition are
   * those of its index (V118), taken in its order, and the rows found are deleted by their ids as an array: so every
   * plan PostgreSQL may settle on reads that index and the primary key only (joined to the set found, the generic plan
   * read the whole queue to delete them). Rows another node is deleting are skipped. How many went.
   */
  Future<Integer> forgetAccountMails(SqlClient db, Instant before, int batch) {
    return db.preparedQuery(FORGET_ACCOUNT_MAILS)
        .execute(Tuple.of(utc(before), batch))
        .map(rows -> rows.rowCount());
  }

  /**
   * An account's mail as it goes: her address, her organisation's zone (null: she has none), when the change was made
   * (or the link asked for), and the link it sends (null for the others).
   */
  record AccountMail(String email, String zone, Instant changedAt, UUID linkId) {}

  Future<java.util.Optional<AccountMail>> accountMail(SqlClient db, long mailId) {
    return db.preparedQuery("""
            SELECT u.email, o.time_zone, m.changed_at, m.password_link_id FROM visio_mail m
            JOIN app_user u ON u.id = m.user_id LEFT JOIN organisation o ON o.id = u.organisation_id
            WHERE m.id = $1""")
        .execute(Tuple.of(mailId))
        .map(rows -> Rows.first(rows).map(r -> new AccountMail(r.getString("email"), r.getString("time_zone"),
            r.getOffsetDateTime("changed_at").toInstant(), r.getUUID("password_link_id"))));
  }

  /**
   * Unsent reminders of an appointment are dropped when it is cancelled or moved, and so is a move not yet told to its
   * mediator: the next message says where it stands now.
   */
  Future<Void> dropReminders(SqlClient db, UUID appointmentId) {
    return db.preparedQuery("""
            DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL
              AND (kind LIKE 'reminder%' OR (channel = 'mediator' AND kind LIKE 'change%'))""")
        .execute(Tuple.of(appointmentId))
        .mapEmpty();
  }

  /**
   * Before a move: its unsent reminders are dropped, and so are the changes not yet told (not claimed by a job sending
   * them, nor failed): the move's own change replaces them. Answers, by channel, the start those changes were told
   * from, which the move's change then tells from: one message "from A to C", not "A to C" and "B to C".
   */
  Future<Map<String, Instant>> dropUntold(SqlClient db, UUID appointmentId, Instant now) {
    return db.preparedQuery("""
            WITH gone AS (
              DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL
                AND (kind LIKE 'reminder%'
                     OR kind LIKE 'change%' AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2))
              RETURNING channel, kind, previous_start)
            SELECT channel, min(previous_start) AS told FROM gone
            WHERE kind LIKE 'change%' AND previous_start IS NOT NULL GROUP BY channel""")
        .execute(Tuple.of(appointmentId, utc(now)))
        .map(rows -> {
          Map<String, Instant> told = new HashMap<>();
          rows.forEach(r -> told.put(r.getString("channel"), r.getOffsetDateTime("told").toInstant()));
          return told;
        });
  }

  /**
   * A message claimed; {@code followed}: another one of its appointment and channel is due behind it, claimed once this
   * one is sent (the job claims again in the same run).
   */
  public record DueMail(long id, UUID appointmentId, String kind, int attempts, String channel, Instant previousStart,
                        boolean followed) {}

  /**
   * Claims due messages of these channels for a while; another node skips them, and takes them back
   * only if this one died. The attempt the run will make is counted only when it starts ({@link #claimAgain}): a
   * message at its last attempt still waiting in a slow batch is no attempt that "never finished"
   * ({@link #giveUpUnfinished}), and is taken by another run, not failed unsent. The messages of one appointment on one channel are claimed one at a time, oldest first:
   * none while an older one is due or being sent. Two nodes claiming at the same instant lock the oldest (SKIP LOCKED
   * leaves it to one of them) and neither takes the next, so each change is told from what the message before it told
   * ({@link #heardOf}), never by two senders at once each unaware of the other's.
   *
   * <p>Each channel is read on its own, in the order of the due index (channel, due_at), and stops at the batch: with
   * all channels in one scan, the generic plan PostgreSQL settles on for a prepared statement sorted every due message
   * and hashed the whole queue twice (17 ms a claim with 4,000 due, against 1.4 ms so), and a backlog of confirmations
   * written by the bookings slowed the bookings themselves.
   */
  Future<List<DueMail>> claimDueMails(SqlClient db, List<String> channels, Instant now, Instant claimUntil, int maxAttempts,
                                      int limit) {
    return db.preparedQuery("""
            UPDATE visio_mail SET claimed_until = $2
            WHERE id = ANY(ARRAY(
              SELECT picked.id FROM unnest($5::text[]) AS asked(channel)
              CROSS JOIN LATERAL (
                SELECT id, due_at FROM visio_mail m
                WHERE m.channel = asked.channel AND sent_at IS NULL AND failed_at IS NULL AND due_at <= $1 AND attempts < $4
                  AND (claimed_until IS NULL OR claimed_until < $1)
                  AND NOT EXISTS (SELECT 1 FROM visio_mail before
                                  WHERE before.appointment_id = m.appointment_id AND before.channel = m.channel
                                    AND before.id <> m.id AND num_nonnulls(before.sent_at, before.failed_at) = 0
                                    AND (before.claimed_until >= $1
                                         OR before.id < m.id AND before.due_at <= $1 AND before.attempts < $4))
                ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) picked
              ORDER BY picked.due_at LIMIT $3))
            RETURNING id, appointment_id, kind, attempts + 1 AS attempts, channel, previous_start,
              EXISTS (SELECT 1 FROM visio_mail next
                      WHERE next.appointment_id = visio_mail.appointment_id AND next.channel = visio_mail.channel
                        AND next.id > visio_mail.id AND num_nonnulls(next.sent_at, next.failed_at) = 0 AND next.due_at <= $1
                        AND next.attempts < $4) AS followed""")
        .execute(Tuple.of(utc(now), utc(claimUntil), limit, maxAttempts, channels.toArray(String[]::new)))
        .map(rows -> Rows.map(rows, r -> new DueMail(r.getLong("id"), r.getUUID("appointment_id"), r.getString("kind"),
            r.getInteger("attempts"), r.getString("channel"),
            r.getOffsetDateTime("previous_start") == null ? null : r.getOffsetDateTime("previous_start").toInstant(),
            r.getBoolean("followed"))));
  }

  /**
   * Claims again, from now until {@code claimUntil}, a message this run claimed, just before it is sent: a batch is sent
   * one message after the other, and its last ones would otherwise go on a claim that lapsed meanwhile, which another
   * node's run may have taken since. Counts the attempt, which starts now: the count before it is the claim's token.
   * False when another run started that attempt since or the message ended (sent, failed): this run leaves it.
   */
  Future<Boolean> claimAgain(SqlClient db, DueMail mail, Instant claimUntil) {
    return db.preparedQuery("""
            UPDATE visio_mail SET claimed_until = $3, attempts = $2
            WHERE id = $1 AND attempts = $2 - 1 AND num_nonnulls(sent_at, failed_at) = 0""")
        .execute(Tuple.of(mail.id(), mail.attempts(), utc(claimUntil)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * How much a batch of {@code claimed} counts for the run: a full batch when one of them has another message behind it,
   * so that the run claims again once they are sent (a confirmation and a change due together go in the same run).
   */
  static int handled(List<DueMail> claimed) {
    return claimed.stream().anyMatch(DueMail::followed) ? BATCH : claimed.size();
  }

  /**
   * How an attempt's outcome was written: as the attempt's, over the give-up of that very attempt ({@link
   * #giveUpUnfinished}: its sender's word replaces the guess, see {@link MessageAttempt}), or not at all (another run took
   * the message since).
   */
  enum Written { YES, OVER_GIVE_UP, NO }

  /**
   * The message while it is still the attempt's whose token ({@link #claimAgain}) is {@code $2}: its count of attempts
   * still that token, not sent; locked, so that the statement after it reads the row as it is now.
   */
  private static final String HELD = """
      WITH held AS (SELECT id, failed_at FROM visio_mail WHERE id = $1 AND attempts = $2 AND sent_at IS NULL FOR UPDATE)
      """;

  /** Sent by its attempt, telling its reader the appointment starts at {@code told} (null: a message that tells no start). */
  Future<Written> mailSent(SqlClient db, DueMail mail, Instant at, Instant told) {
    return db.preparedQuery(HELD + """
            UPDATE visio_mail m SET sent_at = $3, told_start = $4, last_error = NULL, failed_at = NULL
            FROM held WHERE m.id = held.id RETURNING held.failed_at IS NOT NULL AS given_up""")
        .execute(Tuple.of(mail.id(), mail.attempts(), utc(at), told == null ? null : utc(told)))
        .map(MailStore::written);
  }

  private static Written written(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows) {
    if (rows.size() == 0) {
      return Written.NO;
    }
    return rows.iterator().next().getBoolean("given_up") ? Written.OVER_GIVE_UP : Written.YES;
  }

  /**
   * The start the reader of a change last heard of on its channel: what the last message sent there told, else the
   * start the change was queued from (empty when neither is known: messages from before either was kept).
   */
  Future<java.util.Optional<Instant>> heardOf(SqlClient db, DueMail change) {
    if (!change.kind().startsWith("change")) {
      return Future.succeededFuture(java.util.Optional.ofNullable(change.previousStart()));
    }
    return db.preparedQuery("""
            SELECT told_start FROM visio_mail
            WHERE appointment_id = $1 AND channel = $2 AND sent_at IS NOT NULL AND told_start IS NOT NULL
            ORDER BY sent_at DESC, id DESC LIMIT 1""")
        .execute(Tuple.of(change.appointmentId(), change.channel()))
        .map(rows -> rows.size() == 0 ? java.util.Optional.ofNullable(change.previousStart())
            : java.util.Optional.of(rows.iterator().next().getOffsetDateTime("told_start").toInstant()));
  }

  /**
   * A failed attempt is retried a few minutes later; false when the message is no longer the attempt's. {@code refused}:
   * its hand-over ended in an error, so the message is no longer taken as perhaps sent ({@link #handingOver}).
   */
  Future<Boolean> mailFailed(SqlClient db, DueMail mail, String error, Instant retryAt, boolean refused) {
    return db.preparedQuery("""
            UPDATE visio_mail SET last_error = $3, claimed_until = NULL, due_at = $4,
              handed_over_at = CASE WHEN $5 THEN NULL ELSE handed_over_at END
            WHERE id = $1 AND attempts = $2 AND num_nonnulls(sent_at, failed_at) = 0""")
        .execute(Tuple.of(mail.id(), mail.attempts(), shortened(error), utc(retryAt), refused))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * The attempt's hand-over starting ({@code mine} false: another run took the message since, or it ended). {@code before}:
   * when an earlier attempt began handing it over and left no word, so that it may have gone (null: it did not).
   */
  record HandingOver(boolean mine, Instant before) {}

  /**
   * Written just before the attempt hands the message over, while the message is still its own: should its word never
   * be written (its node stopped, the database out of reach), the attempt after it knows the message may have gone.
   */
  Future<HandingOver> handingOver(SqlClient db, DueMail mail, Instant at) {
    return db.preparedQuery("""
            WITH held AS (SELECT id, handed_over_at FROM visio_mail
                          WHERE id = $1 AND attempts = $2 AND num_nonnulls(sent_at, failed_at) = 0 FOR UPDATE)
            UPDATE visio_mail m SET handed_over_at = $3 FROM held WHERE m.id = held.id
            RETURNING held.handed_over_at AS before""")
        .execute(Tuple.of(mail.id(), mail.attempts(), utc(at)))
        .map(rows -> {
          if (rows.size() == 0) {
            return new HandingOver(false, null);
          }
          OffsetDateTime before = rows.iterator().next().getOffsetDateTime("before");
          return new HandingOver(true, before == null ? null : before.toInstant());
        });
  }

  /**
   * An attempt whose hand-over would have started too late ({@link MessageAttempt#handOver}) is given back: it never
   * started, so it is not counted, and its claim is let go for the next run. False when the message is no longer the
   * attempt's (another run started one since, or it ended).
   */
  Future<Boolean> giveBack(SqlClient db, DueMail mail) {
    return db.preparedQuery("""
            UPDATE visio_mail SET attempts = attempts - 1, claimed_until = NULL
            WHERE id = $1 AND attempts = $2 AND num_nonnulls(sent_at, failed_at) = 0""")
        .execute(Tuple.of(mail.id(), mail.attempts()))
        .map(rows -> rows.rowCount() == 1);
  }

  private static String shortened(String error) {
    return error.length() > 500 ? error.substring(0, 500) : error;
  }

  /** A message given up by {@link #giveUpUnfinished}, for the log and the figures. */
  record GivenUp(long id, String kind, String channel, int attempts, String error) {}

  /**
   * Fails the messages at their last attempt that no run will ever take again: that attempt started
   * ({@link #claimAgain}), and its claim lapsed without their sender saying how it went (its node stopped mid-send: it may have gone, or not), or left neither sent nor
   * failed by an older version. So every message ends sent or failed, where the operator sees it. A guess: should its
   * sender speak after all, its word replaces it ({@link #mailSent}, {@link #finallyFailed}, {@link MessageAttempt}).
   */
  Future<List<GivenUp>> giveUpUnfinished(SqlClient db, List<String> channels, Instant now, int maxAttempts) {
    return db.preparedQuery("""
            UPDATE visio_mail SET failed_at = $1, claimed_until = NULL,
              last_error = CASE WHEN claimed_until IS NULL THEN last_error
                ELSE left(CASE WHEN handed_over_at IS NULL THEN 'its last attempt never finished (its node stopped while sending)'
                          ELSE 'its last attempt never finished (handed over, then no word: it may have gone)' END
                          || coalesce('; the attempt before: ' || last_error, ''), 500) END
            WHERE channel = ANY($3::text[]) AND sent_at IS NULL AND failed_at IS NULL AND attempts >= $2
              AND (claimed_until IS NULL OR claimed_until < $1)
              -- Claimed when due, or left due again a retry later: a range of the due index, not every reminder queued.
              AND due_at <= $1
            RETURNING id, kind, channel, attempts, last_error""")
        .execute(Tuple.of(utc(now), maxAttempts, channels.toArray(String[]::new)))
        .map(rows -> Rows.map(rows, r -> new GivenUp(r.getLong("id"), r.getString("kind"), r.getString("channel"),
            r.getInteger("attempts"), r.getString("last_error"))));
  }

  /** The last attempt failed too, or the message has nobody to go to: never tried again. */
  Future<Written> finallyFailed(SqlClient db, DueMail mail, String error, Instant at) {
    return db.preparedQuery(HELD + """
            UPDATE visio_mail m SET last_error = $3, claimed_until = NULL, failed_at = coalesce(held.failed_at, $4)
            FROM held WHERE m.id = held.id RETURNING held.failed_at IS NOT NULL AS given_up""")
        .execute(Tuple.of(mail.id(), mail.attempts(), shortened(error), utc(at)))
        .map(MailStore::written);
  }
}
