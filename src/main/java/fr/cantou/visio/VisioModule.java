package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.User;
import fr.cantou.platform.Jobs;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.notify.LogMailer;
import fr.cantou.notify.Mailer;
import fr.cantou.notify.SmtpMailer;
import fr.cantou.platform.Platform;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.EventRecord;
import fr.cantou.rooms.JitsiRooms;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/** Everything visio-accueil needs on a node, built once. */
public final class VisioModule {
  /** Every change made through the API is an event; this only bounds how long a change made in SQL goes unseen. */
  private static final java.time.Duration SLOT_DAYS_REFRESH = java.time.Duration.ofMinutes(10);

  public final VisioService service;
  public final VisioCatalogue catalogue;
  public final VisioRoutes routes;
  public final VisioSnapshot snapshot;
  public final ManageTokenResolver resolver;
  public final MailJob mailJob;
  public final CitizenDataRetention citizenData;
  public final Mailer mailer;
  public final VisioConfig settings;
  private final SlotCache slots;

  public VisioModule(Platform platform, EventOutbox outbox, JitsiRooms rooms, String manageKey, ClientAddress addresses,
                     RateLimits rateLimits) {
    VisioStore store = new VisioStore();
    this.settings = VisioConfig.from(platform.config().settings());
    ManageTokens tokens = new ManageTokens(manageKey, platform.clock(), settings.manageLinkValidAfterEnd());
    this.mailer = platform.config().smtp().configured() ? new SmtpMailer(platform.vertx(), platform.config().smtp())
        : new LogMailer();
    VisioEvents events = new VisioEvents(outbox);
    this.slots = new SlotCache(settings.slotDaysKept(), SLOT_DAYS_REFRESH);
    this.service = new VisioService(platform, settings, store, events, tokens, rooms, slots, rateLimits);
    this.catalogue = new VisioCatalogue(platform, store, events, slots);
    VisioMails mails = new VisioMails(platform.config().http().publicUrl(), platform.config().smtp().from());
    OutcomeUndo undo = new OutcomeUndo(platform, service, store, new OutcomeStore(), events, slots);
    this.routes = new VisioRoutes(service, catalogue, new CalendarFiles(platform, service, mails, tokens), undo, addresses);
    this.snapshot = new VisioSnapshot(service);
    this.resolver = new ManageTokenResolver(tokens, id -> store.linkState(platform.pool(), id));
    this.mailJob = new MailJob(platform, store, service, mails, tokens, mailer);
    this.citizenData = new CitizenDataRetention(platform, store, settings.citizenDataKept());
  }

  public List<Jobs.Job> jobs() {
    return List.of(new Jobs.Job("mail", mailJob::run),
        new Jobs.Job("citizen_data_retention", citizenData::run));
  }

  /** Visio-accueil's part of the demo territory (services, points, agents' weeks). */
  public Future<Void> loadDemo(Principal admin, Map<String, String> organisations, List<User> users) {
    return DemoVisio.load(catalogue, admin, organisations, users);
  }

  /** Every event of the outbox, whichever node wrote it. */
  public void onEvent(EventRecord event) {
    slots.onEvent(event);
  }
}
