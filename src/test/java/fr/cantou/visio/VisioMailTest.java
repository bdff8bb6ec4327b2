package fr.cantou.visio;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.HoldingProxy;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.component.VTimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Mails go to a real SMTP server; the calendar file is read back by a real iCalendar parser. */
class VisioMailTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  DatabaseEndpoint database;
  TestNode node;
  VisioTerritory visio;

  Map<String, String> smtpSettings() {
    return Map.of("CANTOU_SMTP_HOST", "127.0.0.1", "CANTOU_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()),
        "CANTOU_SMTP_STARTTLS", "disabled", "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>",
        "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test");
  }

  @BeforeEach
  void start() {
    database = TestDatabase.fresh();
    node = TestNode.start(database, smtpSettings(), clock);
    visio = new VisioTerritory(node);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void the_confirmation_carries_the_details_the_manage_link_and_a_valid_calendar_file() throws Exception {
    JsonObject a = visio.book("2026-12-01T10:00:00+01:00").json();
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("jeanne.vidal@example.fr");
    assertThat(mail.getSubject()).contains("confirmé").contains("mardi 1er décembre 2026 à 10 h");

    String text = part(mail, "text/plain");
    // What she typed is data in « », never inside a sentence of the administration (not "Bonjour Jeanne Vidal,").
    assertThat(text).startsWith("Bonjour,").contains("Nom indiqué : « Jeanne Vidal »");
    assertOnlyQuoted(text, "Jeanne Vidal");
    assertThat(text).contains(a.getString("reference"))
        .contains("Votre numéro d'allocataire")
        .contains("https://cantou.cantal.test/rendez-vous.html?gerer#" + a.getString("manageToken"));

    Calendar calendar = new CalendarBuilder().build(new StringReader(part(mail, "text/calendar")));
    VEvent event = calendar.getComponent("VEVENT").map(VEvent.class::cast).orElseThrow();
    VTimeZone zone = calendar.getComponent("VTIMEZONE").map(VTimeZone.class::cast).orElseThrow();
    assertThat(zone.getProperty("TZID").orElseThrow().getValue()).isEqualTo("Europe/Paris");
    assertThat(event.getProperty("DTSTART").orElseThrow().getParameter("TZID").orElseThrow().getValue()).isEqualTo("Europe/Paris");
    assertThat(event.getProperty("DTSTART").orElseThrow().getValue()).isEqualTo("20261201T100000");
    assertThat(event.getProperty("DTEND").orElseThrow().getValue()).isEqualTo("20261201T103000");
    assertThat(event.getProperty("UID").orElseThrow().getValue()).isEqualTo(a.getString("id") + "@cantou");
    assertThat(calendar.validate().getEntries()).filteredOn(e -> e.getSeverity().name().equals("ERROR")).isEmpty();
  }

  @Test
  void one_run_sends_every_due_confirmation_of_a_burst_not_only_the_first_batch() throws Exception {
    node.close();
    Map<String, String> settings = new java.util.HashMap<>(smtpSettings());
    settings.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "100");
    settings.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "100");
    node = TestNode.start(database, settings, clock);
    // 45 bookings, more than two batches of 20: Tuesday and Wednesday 8:00–17:30, Thursday 8:00–10:00.
    for (int i = 0; i < 45; i++) {
      int minutes = 8 * 60 + 30 * (i % 20);
      String start = "2026-12-%02dT%02d:%02d:00+01:00".formatted(1 + i / 20, minutes / 60, minutes % 60);
      assertThat(node.api.post("/api/visio/appointments", VisioTerritory.booking(visio.serviceId, start)).status())
          .as(start).isEqualTo(201);
    }
    TestNode.await(node.node().runJobs());
    assertThat(TestNode.await(node.node().platform().pool().query(
            "SELECT count(*) AS n FROM visio_mail WHERE channel = 'mail' AND kind = 'confirmation' AND sent_at IS NULL")
        .execute()).iterator().next().getLong("n")).as("confirmations left after one run").isZero();
    assertThat(smtp.waitForIncomingEmail(5_000, 45)).isTrue();
    assertThat(subjects()).hasSize(45).allMatch(s -> s.contains("confirmé"));
  }

  @Test
  void a_cancellation_is_announced_and_reminders_of_it_are_not_sent() throws Exception {
    JsonObject a = visio.book("2026-12-01T10:00:00+01:00").json();
    visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/cancel", a.getString("manageToken"), null);
    TestNode.await(node.node().runJobs());
    clock.set(Instant.parse("2026-12-01T08:30:00Z"));
    TestNode.await(node.node().runJobs());
    List<String> subjects = subjects();
    assertThat(subjects).hasSize(2);
    assertThat(subjects).anyMatch(s -> s.contains("annulé"));
    assertThat(subjects).noneMatch(s -> s.startsWith("Rappel"));
  }

  /**
   * Someone with neither phone nor e-mail hears of a change only through the mediator who booked beside her: when her
   * administration cancels or moves it, he gets a mail (his own cancellation, and a citizen reached directly, do not).
   */
  @Test
  void the_mediator_is_told_when_the_administration_cancels_or_moves_what_he_booked_for_someone_without_contact()
      throws Exception {
    JsonObject noContact = new JsonObject().put("name", "Marcelle Roux");
    String moved = visio.bookAs(visio.mediator, "2026-12-01T10:00:00+01:00", noContact).getString("id");
    String cancelled = visio.bookAs(visio.mediator, "2026-12-01T11:00:00+01:00", noContact).getString("id");
    String hisOwn = visio.bookAs(visio.mediator, "2026-12-02T10:00:00+01:00", noContact).getString("id");
    String withMail = visio.bookAs(visio.mediator, "2026-12-02T11:00:00+01:00",
        new JsonObject().put("name", "Jeanne Vidal").put("email", "jeanne.vidal@example.fr")).getString("id");
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(recipients()).as("only she was confirmed").containsExactly("jeanne.vidal@example.fr");

    assertThat(node.api.post("/api/visio/appointments/" + hisOwn + "/cancel", visio.mediator, null).status()).isEqualTo(200);
    assertThat(node.api.post("/api/visio/appointments/" + withMail + "/cancel", visio.agent, null).status()).isEqualTo(200);
    assertThat(node.api.post("/api/visio/appointments/" + cancelled + "/cancel", visio.agent, null).status()).isEqualTo(200);
    assertThat(node.api.post("/api/visio/appointments/" + moved + "/reschedule", visio.agent,
        new JsonObject().put("start", "2026-12-03T14:00:00+01:00")).status()).isEqualTo(200);
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 4)).isTrue();
    assertThat(recipients()).as("her own cancellation to her; his own cancellation to nobody")
        .containsExactlyInAnyOrder("jeanne.vidal@example.fr", "jeanne.vidal@example.fr", "mediateur@fs.test",
            "mediateur@fs.test");

    MimeMessage cancellation = toMediator("annulé");
    assertThat(cancellation.getSubject()).isEqualTo("CAF du Cantal a annulé le rendez-vous " + reference(cancelled)
        + " du mardi 1er décembre 2026 à 11 h");
    String text = body(cancellation);
    assertThat(text).startsWith("Bonjour,").contains("ne peut l'apprendre que par vous").contains("Nom indiqué : « Marcelle Roux »")
        .contains("Date prévue : mardi 1er décembre 2026 à 11 h").contains("https://cantou.cantal.test/mediateur.html");
    assertOnlyQuoted(text, "Marcelle Roux");
    MimeMessage move = toMediator("déplacé");
    assertThat(move.getSubject()).contains(reference(moved)).endsWith("au jeudi 3 décembre 2026 à 14 h");
    assertThat(body(move)).contains("Nouvelle date : jeudi 3 décembre 2026 à 14 h").contains("sa convocation porte l'ancienne")
        .contains("Ancienne date, qui n'est plus valable : mardi 1er décembre 2026 à 10 h");
  }

  /**
   * A move says the date she knew as well as the new one; moved twice before the first move was told, she gets one
   * message from the date she knew to the last one, not two that both give the last date.
   */
  @Test
  void a_move_is_told_from_the_date_she_knew_once_however_often_it_moved_meanwhile() throws Exception {
    String id = bookedAndConfirmed();
    reschedule(id, "2026-12-03T14:00:00+01:00");
    reschedule(id, "2026-12-04T09:00:00+01:00");
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    // A cancellation sent after the moves arrives after any second change would have: only then is "one" checked.
    cancel(id);
    assertThat(smtp.waitForIncomingEmail(5_000, 3)).isTrue();
    assertThat(subjects()).hasSize(3).filteredOn(s -> s.contains("a changé")).hasSize(1);
    MimeMessage change = smtp.getReceivedMessages()[1];
    assertThat(change.getSubject()).contains("a changé").endsWith("vendredi 4 décembre 2026 à 9 h");
    assertThat(body(change)).contains("Votre rendez-vous du mardi 1er décembre 2026 à 10 h a été déplacé.")
        .contains("Nouvelle date : vendredi 4 décembre 2026 à 9 h")
        .contains("Ancienne date, qui n'est plus valable : mardi 1er décembre 2026 à 10 h");
  }

  /**
   * A change being sent when the appointment moves again is composed from where it stands then: it tells her the last
   * date already, and the move queued meanwhile sends nothing ("déplacé du jeudi", a Thursday she never heard of).
   */
  @Test
  void a_move_made_while_the_last_one_was_being_sent_is_not_told_twice() throws Exception {
    String id = bookedAndConfirmed();
    reschedule(id, "2026-12-03T14:00:00+01:00");
    // Another node claims that change and is sending it (its claim holds it from the next move's clean-up)...
    claimChanges(id, "'infinity'");
    reschedule(id, "2026-12-04T09:00:00+01:00");
    // ...and composes it only now, from the appointment as it stands: the node died, or its mail server was slow.
    claimChanges(id, "NULL");
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    cancel(id);
    assertThat(smtp.waitForIncomingEmail(5_000, 3)).isTrue();
    assertThat(subjects()).as("the confirmation, one change, the cancellation").hasSize(3)
        .filteredOn(s -> s.contains("a changé")).hasSize(1);
    assertThat(body(smtp.getReceivedMessages()[1])).contains("Votre rendez-vous du mardi 1er décembre 2026 à 10 h a été déplacé.")
        .contains("Nouvelle date : vendredi 4 décembre 2026 à 9 h");
  }

  /**
   * Two nodes send the messages: one is sending the first move's change (composed, its mail server slow) when the
   * appointment moves again, and the other's job runs meanwhile. The second change waits until the first is sent, then
   * tells the move from where the first left her: the other node sent it at once, "from Thursday to Friday", and the
   * first one's "from Tuesday to Thursday" came last, so the last word she had was Thursday, a date no longer valid.
   */
  @Test
  void the_changes_of_one_appointment_go_one_after_the_other_even_from_two_nodes() throws Exception {
    String id = bookedAndConfirmed();
    Map<String, String> slowMail = new java.util.HashMap<>(smtpSettings());
    try (HoldingProxy slow = new HoldingProxy("127.0.0.1", smtp.getSmtp().getPort())) {
      slowMail.put("CANTOU_SMTP_PORT", Integer.toString(slow.port()));
      try (TestNode other = TestNode.start(database, slowMail, clock)) {
        reschedule(id, "2026-12-03T14:00:00+01:00");
        // The mail server's greeting held: the other node composed the change and waits to send it.
        slow.holdNextAnswerWith("220");
        Future<Void> sending = other.node().runJobs();
        slow.awaitHolding();
        reschedule(id, "2026-12-04T09:00:00+01:00");
        TestNode.await(node.node().runJobs());
        slow.release();
        TestNode.await(sending);
        assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
        TestNode.await(node.node().runJobs());
        assertThat(smtp.waitForIncomingEmail(5_000, 3)).isTrue();
      }
    }
    List<String> subjects = subjects();
    assertThat(subjects).as("the confirmation, then each move in turn").hasSize(3);
    assertThat(subjects.get(1)).contains("a changé").endsWith("jeudi 3 décembre 2026 à 14 h");
    assertThat(subjects.get(2)).contains("a changé").endsWith("vendredi 4 décembre 2026 à 9 h");
    assertThat(body(smtp.getReceivedMessages()[2]))
        .contains("Ancienne date, qui n'est plus valable : jeudi 3 décembre 2026 à 14 h");
  }

  /**
   * Two nodes claim at the same instant, her two changes due (the first one's sending died, its claim lapsed): the first
   * node's batch, full at her first change, holds it (its claim not committed yet); the other's claim takes neither that
   * one (locked) nor the next (an older one of hers is due), where it took the next and sent it beside the first.
   */
  @Test
  void two_nodes_claiming_at_the_same_instant_never_take_two_changes_of_one_appointment() throws Exception {
    String id = bookedAndConfirmed();
    reschedule(id, "2026-12-03T14:00:00+01:00");
    claimChanges(id, "'infinity'");
    reschedule(id, "2026-12-04T09:00:00+01:00");
    claimChanges(id, "NULL");
    MailStore store = new MailStore();
    Instant now = clock.instant();
    Instant until = now.plus(java.time.Duration.ofMinutes(2));
    var pool = node.node().platform().pool();
    io.vertx.sqlclient.SqlConnection first = TestNode.await(pool.getConnection());
    try {
      io.vertx.sqlclient.Transaction open = TestNode.await(first.begin());
      List<MailStore.DueMail> one = TestNode.await(store.claimDueMails(first, List.of(MailStore.MAIL), now, until, 10, 1));
      List<MailStore.DueMail> other = TestNode.await(store.claimDueMails(pool, List.of(MailStore.MAIL), now, until, 10, 20));
      TestNode.await(open.commit());
      assertThat(one).extracting(MailStore.DueMail::kind).containsExactly("change");
      assertThat(one.get(0).followed()).as("her next change is due behind it").isTrue();
      assertThat(other).as("the other node's claim at the same instant").isEmpty();
    } finally {
      TestNode.await(first.close());
    }
    assertThat(TestNode.await(store.claimDueMails(pool, List.of(MailStore.MAIL), now, until, 10, 20)))
        .as("nor while the first is being sent").isEmpty();
  }

  /**
   * The mediator who booked for someone without contact is not written to about his own move, but knows of it: moved
   * back later to a date he was once told of, he is told, from the date he set (the outside review of 6 December: he
   * was not, and she would have come on the day he last believed).
   */
  @Test
  void the_mediators_own_move_counts_as_heard_so_a_move_back_is_told_to_him() throws Exception {
    String id = visio.bookAs(visio.mediator, "2026-12-01T10:00:00+01:00", new JsonObject().put("name", "Marcelle Roux"))
        .getString("id");
    reschedule(id, "2026-12-03T14:00:00+01:00");
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(node.api.post("/api/visio/appointments/" + id + "/reschedule", visio.mediator,
        new JsonObject().put("start", "2026-12-04T09:00:00+01:00")).status()).isEqualTo(200);
    reschedule(id, "2026-12-03T14:00:00+01:00");
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage back = smtp.getReceivedMessages()[1];
    assertThat(back.getSubject()).contains("a déplacé").endsWith("au jeudi 3 décembre 2026 à 14 h");
    assertThat(body(back)).contains("Ancienne date, qui n'est plus valable : vendredi 4 décembre 2026 à 9 h");
  }

  /** Moved and moved back before she heard of it: nothing changed for her, and nothing is sent. */
  @Test
  void a_move_taken_back_before_it_was_told_sends_nothing() throws Exception {
    String id = bookedAndConfirmed();
    reschedule(id, "2026-12-03T14:00:00+01:00");
    reschedule(id, "2026-12-01T10:00:00+01:00");
    TestNode.await(node.node().runJobs());
    cancel(id);
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    assertThat(subjects()).as("the confirmation, then the cancellation: no change").hasSize(2)
        .noneMatch(s -> s.contains("a changé"));
  }

  /** Jeanne Vidal's appointment of Tuesday 1 December at 10 h, booked with her e-mail, and its confirmation received. */
  private String bookedAndConfirmed() throws Exception {
    String id = visio.bookAs(visio.mediator, "2026-12-01T10:00:00+01:00",
        new JsonObject().put("name", "Jeanne Vidal").put("email", "jeanne.vidal@example.fr")).getString("id");
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    return id;
  }

  private void reschedule(String id, String start) {
    assertThat(node.api.post("/api/visio/appointments/" + id + "/reschedule", visio.agent,
        new JsonObject().put("start", start)).status()).isEqualTo(200);
  }

  private void cancel(String id) {
    assertThat(node.api.post("/api/visio/appointments/" + id + "/cancel", visio.agent, null).status()).isEqualTo(200);
    TestNode.await(node.node().runJobs());
  }

  private void claimChanges(String id, String until) {
    TestNode.await(node.node().platform().pool().preparedQuery("UPDATE visio_mail SET claimed_until = " + until
            + " WHERE appointment_id = $1 AND kind = 'change' AND sent_at IS NULL")
        .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(id))));
  }

  /**
   * When she cancels or moves it herself with her convocation's link, the mediator who booked it beside her hears of it:
   * he was to be at her side at the old time.
   */
  @Test
  void the_mediator_is_told_when_she_cancels_or_moves_it_herself() throws Exception {
    JsonObject noContact = new JsonObject().put("name", "Marcelle Roux");
    JsonObject moved = visio.bookAs(visio.mediator, "2026-12-01T10:00:00+01:00", noContact);
    JsonObject cancelled = visio.bookAs(visio.mediator, "2026-12-01T11:00:00+01:00", noContact);
    assertThat(visio.withToken("POST", "/api/visio/appointments/" + cancelled.getString("id") + "/cancel",
        cancelled.getString("manageToken"), null).status()).isEqualTo(200);
    assertThat(visio.withToken("POST", "/api/visio/appointments/" + moved.getString("id") + "/reschedule",
        moved.getString("manageToken"), new JsonObject().put("start", "2026-12-03T14:00:00+01:00")).status()).isEqualTo(200);
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    assertThat(recipients()).containsExactly("mediateur@fs.test", "mediateur@fs.test");

    MimeMessage cancellation = toMediator("annulé");
    assertThat(cancellation.getSubject()).isEqualTo("Rendez-vous " + reference(cancelled.getString("id"))
        + " du mardi 1er décembre 2026 à 11 h annulé par la personne elle-même");
    assertThat(body(cancellation)).contains("l'a annulé elle-même, avec le lien de sa convocation")
        .contains("Date prévue : mardi 1er décembre 2026 à 11 h").doesNotContain("ne peut l'apprendre que par vous");
    MimeMessage move = toMediator("déplacé");
    assertThat(move.getSubject()).isEqualTo("Rendez-vous " + reference(moved.getString("id"))
        + " déplacé au jeudi 3 décembre 2026 à 14 h par la personne elle-même");
    assertThat(body(move)).contains("l'a déplacé elle-même").contains("notez la nouvelle date")
        .contains("Nouvelle date : jeudi 3 décembre 2026 à 14 h");
  }

  /**
   * A mediator whose account was closed cannot be written to: a change made after it queues nothing for him (the
   * appointment says so, and the agent's page tells her nobody will hear of it); a message queued before it is marked
   * failed, not tried for ever.
   */
  @Test
  void a_mediator_who_left_is_not_written_to() throws Exception {
    JsonObject queued = visio.bookAs(visio.mediator, "2026-12-01T10:00:00+01:00", new JsonObject().put("name", "Marcelle Roux"));
    JsonObject after = visio.bookAs(visio.mediator, "2026-12-01T11:00:00+01:00", new JsonObject().put("name", "Paul Roux"));
    assertThat(node.api.post("/api/visio/appointments/" + queued.getString("id") + "/cancel", visio.agent, null).status())
        .isEqualTo(200);
    assertThat(node.api.get("/api/visio/appointments/" + after.getString("id"), visio.agent).json()
        .getJsonObject("bookedBy").getBoolean("active")).isTrue();
    assertThat(node.api.post("/api/users/" + visio.mediatorId + "/deactivate", visio.admin, null).status()).isEqualTo(200);
    assertThat(node.api.get("/api/visio/appointments/" + after.getString("id"), visio.agent).json()
        .getJsonObject("bookedBy").getBoolean("active")).isFalse();
    assertThat(node.api.post("/api/visio/appointments/" + after.getString("id") + "/cancel", visio.agent, null).status())
        .isEqualTo(200);
    TestNode.await(node.node().runJobs());
    var row = TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT failed_at, last_error FROM visio_mail WHERE appointment_id = $1 AND channel = 'mediator'")
        .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(queued.getString("id"))))).iterator().next();
    assertThat(row.getValue("failed_at")).isNotNull();
    assertThat(row.getString("last_error")).contains("closed");
    assertThat(TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT 1 FROM visio_mail WHERE appointment_id = $1 AND channel = 'mediator'")
        .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(after.getString("id"))))).rowCount())
        .as("nothing queued for a closed account").isZero();
  }

  private String reference(String id) {
    return node.api.get("/api/visio/appointments/" + id, visio.agent).json().getString("reference");
  }

  private List<String> recipients() throws Exception {
    List<String> to = new ArrayList<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      to.add(m.getAllRecipients()[0].toString());
    }
    return to;
  }

  private MimeMessage toMediator(String word) throws Exception {
    for (MimeMessage m : smtp.getReceivedMessages()) {
      if (m.getAllRecipients()[0].toString().equals("mediateur@fs.test") && m.getSubject().contains(word)) {
        return m;
      }
    }
    throw new AssertionError("no mail to the mediator saying " + word);
  }

  /** The text of a mail, with or without a calendar file beside it. */
  private static String body(MimeMessage mail) throws Exception {
    return mail.getContent() instanceof String text ? text : part(mail, "text/plain");
  }

  @Test
  void a_renewed_manage_link_is_mailed_to_the_citizen_and_the_old_one_stops_working() throws Exception {
    JsonObject a = visio.book("2026-12-01T10:00:00+01:00").json();
    String path = "/api/visio/appointments/" + a.getString("id");
    String old = a.getString("manageToken");

    var renewed = visio.withToken("POST", path + "/manage-link", old, null);
    assertThat(renewed.status()).isEqualTo(202);
    assertThat(renewed.json().getBoolean("mailed")).isTrue();
    assertThat(renewed.json().getString("sentBy")).isEqualTo("mail");
    assertThat(visio.withToken("GET", path, old, null).status()).as("the old link").isEqualTo(403);
    try (fr.cantou.support.WsClient socket = fr.cantou.support.WsClient.connect(node.port())) {
      socket.send(new JsonObject().put("type", "hello").put("token", old));
      assertThat(socket.awaitClose()).isEqualTo(4401);
    }

    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage mail = java.util.Arrays.stream(smtp.getReceivedMessages())
        .filter(m -> subjectOf(m).contains("nouveau lien")).findFirst().orElseThrow();
    String text = mail.getContent() instanceof String plain ? plain : part(mail, "text/plain");
    java.util.regex.Matcher link = java.util.regex.Pattern.compile("rendez-vous\\.html\\?gerer#(\\S+)").matcher(text);
    assertThat(link.find()).isTrue();
    String fresh = link.group(1);
    assertThat(fresh).isNotEqualTo(old);
    assertThat(renewed.body()).as("never in the answer").doesNotContain(fresh);
    assertThat(visio.withToken("GET", path, fresh, null).status()).as("the new link").isEqualTo(200);
  }

  private static String subjectOf(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void reminders_go_24_hours_and_1_hour_before_exactly_once_with_two_nodes_running() throws Exception {
    visio.book("2026-12-03T10:00:00+01:00");
    try (TestNode second = TestNode.start(database, smtpSettings(), clock)) {
      runBoth(second);
      clock.set(Instant.parse("2026-12-02T09:05:00Z"));
      runBoth(second);
      runBoth(second);
      clock.set(Instant.parse("2026-12-03T08:05:00Z"));
      runBoth(second);
      runBoth(second);
    }
    List<String> subjects = subjects();
    assertThat(subjects).hasSize(3);
    assertThat(subjects.stream().filter(s -> s.startsWith("Rappel : rendez-vous CAF du Cantal demain"))).hasSize(1);
    assertThat(subjects.stream().filter(s -> s.contains("dans une heure"))).hasSize(1);
  }

  @Test
  void the_reminder_says_the_room_opens_as_many_minutes_before_as_set() throws Exception {
    node.close();
    Map<String, String> settings = new java.util.HashMap<>(smtpSettings());
    settings.put("CANTOU_VISIO_JOIN_OPENS_MINUTES_BEFORE", "20");
    node = TestNode.start(database, settings, clock);
    assertThat(node.api.post("/api/visio/appointments", VisioTerritory.booking(visio.serviceId, "2026-12-03T10:00:00+01:00"))
        .status()).isEqualTo(201);
    clock.set(Instant.parse("2026-12-03T08:05:00Z"));
    TestNode.await(node.node().runJobs());
    MimeMessage reminder = java.util.Arrays.stream(smtp.getReceivedMessages())
        .filter(m -> subjectOf(m).contains("dans une heure")).findFirst().orElseThrow();
    String text = reminder.getContent() instanceof String plain ? plain : part(reminder, "text/plain");
    assertThat(text).contains("La salle ouvre 20 minutes avant.").doesNotContain("10 minutes");
  }

  @Test
  void a_reminder_waiting_in_the_database_survives_a_restart() throws Exception {
    visio.book("2026-12-03T10:00:00+01:00");
    TestNode.await(node.node().runJobs());
    node.close();
    clock.set(Instant.parse("2026-12-02T09:05:00Z"));
    node = TestNode.start(database, smtpSettings(), clock);
    TestNode.await(node.node().runJobs());
    assertThat(subjects()).anyMatch(s -> s.startsWith("Rappel"));
  }

  private void runBoth(TestNode second) {
    TestNode.await(Future.all(node.node().runJobs(), second.node().runJobs()));
  }

  private List<String> subjects() throws Exception {
    List<String> subjects = new ArrayList<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      subjects.add(m.getSubject());
    }
    return subjects;
  }

  private static String part(MimeMessage mail, String type) throws Exception {
    Multipart multipart = (Multipart) mail.getContent();
    for (int i = 0; i < multipart.getCount(); i++) {
      BodyPart part = multipart.getBodyPart(i);
      if (part.getContentType().toLowerCase().startsWith(type)) {
        try (InputStream in = part.getInputStream()) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          in.transferTo(out);
          return out.toString(StandardCharsets.UTF_8);
        }
      }
    }
    throw new AssertionError("no " + type + " part in " + mail.getContentType());
  }


  /** Every time {@code typed} is in {@code text}, it is inside « »: a citizen's text never reads as Cantou's words. */
  static void assertOnlyQuoted(String text, String typed) {
    int all = text.split(java.util.regex.Pattern.quote(typed), -1).length - 1;
    int quoted = text.split(java.util.regex.Pattern.quote("« " + typed + " »"), -1).length - 1;
    assertThat(all).as("her text is in the mail").isPositive();
    assertThat(quoted).as("each time inside « »: " + text).isEqualTo(all);
  }
}
