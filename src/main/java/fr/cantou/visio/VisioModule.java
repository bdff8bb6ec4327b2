package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.User;
import fr.cantou.notify.Mailer;
import fr.cantou.notify.Senders;
import fr.cantou.notify.SmsSender;
import fr.cantou.platform.Jobs;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.LiveModule;
import fr.cantou.realtime.ReplayCheck;
import fr.cantou.realtime.SnapshotSource;
import fr.cantou.realtime.ViewerResolver;
import fr.cantou.rooms.JitsiRooms;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Everything visio-accueil needs on a node, built once. */
public final class VisioModule implements LiveModule {
  /** Every change made through the API is an event; this only bounds how long a change made in SQL goes unseen. */
  private static final java.time.Duration SLOT_DAYS_REFRESH = java.time.Duration.ofMinutes(10);

  /** The calls going on, for the figures. */
  private final AppointmentService appointments;
  /** A person's appointments, for privacy's requests. */
  public final CitizenDataService citizenData;
  /** A person's waiting-list places under an admin's RGPD request. */
  public final WaitingPersonalData waitingData;
  private final VisioRoutes routes;
  /** The points' screens: pairing by staff, and what a paired screen may do. */
  private final ApiModule kioskRoutes;
  private final KioskPairing kioskPairing;
  /** The booking page with its first step written in. */
  private final io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> bookingPage;
  /** The calendar files (tests reach its seam). */
  final CalendarFiles calendarFiles;
  private final VisioSnapshot snapshot;
  private final ScreenReplayCheck screenReplays;
  /** The citizen's manage token, and a point's screen's device token, on the WebSocket. */
  private final List<ViewerResolver> resolvers;
  private final MailJob mailJob;
  private final OfferJob offerJob;
  private final CitizenDataRetention citizenDataRetention;
  private final Mailer mailer;
  private final SmsJob smsJob;
  /** Where SMS go: a provider, or the log (a later message, such as a waiting list's offer, sends through it too). */
  private final SmsSender smsSender;
  private final VisioConfig settings;
  private final CatalogueService catalogue;
  private final CalendarService calendars;
  private final SlotCache slots;
  private final DemoVisioActivity demoActivity;

  public VisioModule(Platform platform, EventOutbox outbox, JitsiRooms rooms, String manageKey, ClientAddress addresses,
                     RateLimits rateLimits, Senders senders) {
    this.settings = VisioConfig.from(platform.config().settings());
    ManageTokens tokens = new ManageTokens(manageKey, platform.clock(), settings.manageLinkValidAfterEnd());
    this.mailer = senders.mailer();
    this.smsSender = senders.sms();
    KioskStore kioskStore = new KioskStore();
    VisioEvents events = new VisioEvents(outbox, kioskStore, platform.clock());
    this.slots = new SlotCache(settings.slotDaysKept(), SLOT_DAYS_REFRESH);

    // The stores: SQL only.
    CatalogueStore catalogueStore = new CatalogueStore();
    CalendarStore calendarStore = new CalendarStore();
    BookingStore bookingStore = new BookingStore();
    AppointmentStore appointmentStore = new AppointmentStore();
    MailStore mailStore = new MailStore();
    CitizenDataStore citizenDataStore = new CitizenDataStore();

    // The services, each calling only those built before it.
    this.catalogue = new CatalogueService(platform, catalogueStore, events, slots);
    this.calendars = new CalendarService(platform, calendarStore, events, slots);
    SlotService slotService = new SlotService(platform, catalogue, calendarStore, slots);
    this.appointments = new AppointmentService(platform, settings, appointmentStore, calendarStore, mailStore, tokens, events,
        rooms);
    BookingService bookings = new BookingService(platform, settings, bookingStore, appointmentStore, calendarStore, mailStore,
        catalogue, slotService, appointments, events, tokens, rooms, rateLimits);
    MeetingService meeting = new MeetingService(platform, settings, appointments, appointmentStore, mailStore, slotService,
        rooms);
    OutcomeUndo undo = new OutcomeUndo(platform, appointments, mailStore, new OutcomeStore(), slots);
    this.citizenData = new CitizenDataService(platform, citizenDataStore, appointmentStore, appointments, slotService, events,
        tokens);
    VisioMails mails = new VisioMails(platform.config().http().publicUrl(), platform.config().smtp().from(),
        settings.joinOpensBefore());
    LostLinkService lostLinks = new LostLinkService(platform, settings, appointments, tokens, rateLimits);
    WaitingListStore waitingStore = new WaitingListStore();
    WaitingListService waitingList = new WaitingListService(platform, settings, waitingStore, catalogue, appointments, mailStore,
        events, tokens, slotService, rateLimits);
    this.waitingData = new WaitingPersonalData(platform, waitingStore, waitingList);
    // How an offer reaches her: by mail when she gave an address, by SMS when she gave a mobile number (both when both).
    List<OfferJob.Channel> offerChannels = List.of(new OfferJob.Channel() {
      @Override
      public boolean reaches(WaitingListStore.Entry entry) {
        return entry.email() != null;
      }

      @Override
      public Future<Void> queue(io.vertx.sqlclient.SqlClient tx, Appointment offer, java.time.Instant now) {
        return offer.citizen().email() == null ? Future.succeededFuture()
            : mailStore.scheduleMail(tx, java.util.UUID.fromString(offer.id()), "offer", now, MailStore.MAIL);
      }
    }, new OfferJob.Channel() {
      @Override
      public boolean reaches(WaitingListStore.Entry entry) {
        return entry.phone() != null && PhoneNumbers.textable(entry.phone());
      }

      @Override
      public Future<Void> queue(io.vertx.sqlclient.SqlClient tx, Appointment offer, java.time.Instant now) {
        return offer.citizen().phone() == null || !PhoneNumbers.textable(offer.citizen().phone()) ? Future.succeededFuture()
            : mailStore.scheduleMail(tx, java.util.UUID.fromString(offer.id()), "offer", now, MailStore.SMS);
      }
    });
    this.offerJob = new OfferJob(platform, settings, waitingStore, waitingList, bookings, slotService, catalogue, events,
        offerChannels);

    this.calendarFiles = new CalendarFiles(platform, appointments, mails, tokens);
    this.routes = new VisioRoutes(catalogue, calendars, slotService, bookings, appointments, meeting, undo, citizenData,
        calendarFiles, new Convocation(platform, appointments), lostLinks, addresses,
        new WaitingListRoutes(waitingList, waitingData, addresses),
        new ShortLinks(platform.pool(), appointments, waitingStore, tokens));
    this.bookingPage = routes.bookingPage(platform.vertx(), platform.config().http().webRoot());
    KioskService kiosks = new KioskService(platform, settings, kioskStore, appointmentStore, appointments, meeting, events, rooms,
        rateLimits);
    this.kioskPairing = new KioskPairing(platform, kioskStore, events, rateLimits);
    this.kioskRoutes = new KioskRoutes(kioskPairing, kiosks,
        new KioskBookings(platform, kiosks, bookings, new AnonymousBookings(rateLimits, settings),
            settings.kioskContactlessPerDay()),
        new KioskScans(platform, kiosks, rateLimits), addresses);
    this.snapshot = new VisioSnapshot(appointments, kiosks);
    this.screenReplays = new ScreenReplayCheck(platform, kioskStore);
    this.resolvers = List.of(new ManageTokenResolver(tokens, id -> appointmentStore.linkState(platform.pool(), id)),
        new KioskTokenResolver(kiosks));
    this.mailJob = new MailJob(platform, mailStore, appointments, catalogue, mails, tokens, mailer,
        new OfferMails(platform, waitingStore, tokens, platform.config().http().publicUrl()),
        new BookerMails(platform.config().http().publicUrl()));
    this.smsJob = new SmsJob(platform, mailStore, appointments, new VisioSms(platform.config().http().publicUrl(),
        settings.joinOpensBefore()), tokens, smsSender, id -> waitingStore.entryOfOffer(platform.pool(), id)
        .compose(entry -> entry.isEmpty() ? Future.succeededFuture(java.util.Optional.<java.time.Instant>empty())
            : waitingStore.view(platform.pool(), entry.get()).map(view -> view.map(v -> v.offer())
                .map(WaitingListStore.Offer::expiresAt))));
    this.citizenDataRetention = new CitizenDataRetention(platform, citizenDataStore, events, settings.citizenDataKept(),
        settings.retentionBatch());
    this.demoActivity = new DemoVisioActivity(platform, bookings, slotService);
  }

  /**
   * Where identity queues a staff member's mails about her account: the queue of messages, sent by this module's mail
   * job. Built before the modules (identity is built first), it holds no state of a node.
   */
  public static fr.cantou.identity.AccountMails accountMails() {
    return new StaffAccountMails(new MailStore());
  }

  @Override
  public List<ApiModule> routes() {
    return List.of(routes, kioskRoutes);
  }

  @Override
  public JsonObject publicSettings() {
    return settings.publicValues();
  }

  /** The short links of the mails and SMS, /r/:link; the booking page with its first step written in. */
  @Override
  public void mountOutsideApi(Router router) {
    router.get("/r/:link").handler(routes.shortLinks());
    // The rest of the pages fall through to the files.
    router.get("/rendez-vous.html").handler(bookingPage);
  }

  @Override
  public List<Supplier<Future<Void>>> figures() {
    return List.of(appointments::refreshFigures);
  }

  @Override
  public List<SnapshotSource> snapshots() {
    return List.of(snapshot);
  }

  @Override
  public List<ReplayCheck> replayChecks() {
    return List.of(screenReplays);
  }

  @Override
  public List<ViewerResolver> resolvers() {
    return resolvers;
  }

  /** The free slots each node keeps follow every event. */
  @Override
  public List<Consumer<EventRecord>> eventFollowers() {
    return List.of(slots::onEvent);
  }

  /** Another database: every day and answer kept may be wrong there. */
  @Override
  public List<Runnable> forgetters() {
    return List.of(slots::calendarsChanged);
  }

  @Override
  public List<Jobs.Job> jobs() {
    return List.of(new Jobs.Job("mail", mailJob::run), new Jobs.Job("sms", smsJob::run),
        new Jobs.Job("waiting_list_offers", offerJob::run),
        new Jobs.Job("citizen_data_retention", citizenDataRetention::run),
        new Jobs.Job("kiosk_creation_keys", kioskPairing::forgetCreationKeys),
        new Jobs.Job("kiosk_pairing_keys", kioskPairing::forgetPairingKeys));
  }

  /** Visio-accueil's part of the demo territory (services, points, agents' weeks, three months of appointments). */
  public Future<Void> loadDemo(Principal admin, Map<String, String> organisations, List<User> users) {
    return DemoVisio.load(catalogue, calendars, admin, organisations, users).compose(made -> demoActivity.load(admin, made));
  }
}
