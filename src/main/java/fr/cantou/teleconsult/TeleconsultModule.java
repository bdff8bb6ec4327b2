package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.User;
import fr.cantou.notify.Senders;
import fr.cantou.platform.Jobs;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.realtime.ClientMessageHandler;
import fr.cantou.realtime.ConnectionObserver;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.LiveModule;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.ReplayCheck;
import fr.cantou.realtime.SnapshotSource;
import fr.cantou.rooms.JitsiRooms;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Everything the teleconsultations need on a node, built once: the queue, presence, the audit of pushes. */
public final class TeleconsultModule implements LiveModule {
  private final TeleconsultConfig settings;
  private final TeleconsultService service;
  /** A new request, from the API or the demo. */
  private final IntakeService intake;
  /** Joining the call and its joined/left lines (tests reach its seam through it). */
  public final CallService calls;
  private final QueueJobs queueJobs;
  /** A patient's data, for privacy's requests. */
  public final PatientDataService patientData;
  private final PresenceService presence;
  /** A call's guests (tests reach its seam through it). */
  public final GuestService guests;
  private final PushAudit pushAudit;
  private final TeleconsultRoutes routes;
  private final SnapshotSource snapshot;
  private final ReplayCheck replayCheck;
  private final ClientMessageHandler callMessages;
  /** Counts each doctor's open consoles (presence). */
  private final ConnectionObserver connections;
  private final DemoTeleconsult demo;
  /** A request's photos and documents (tests reach its seam through it). */
  public final CareFileService careFiles;

  public TeleconsultModule(Platform platform, EventOutbox outbox, JitsiRooms rooms, String nodeId, Senders senders) {
    this.settings = TeleconsultConfig.from(platform.config().settings());
    this.presence = new PresenceService(platform, new PresenceStore(), outbox, nodeId, settings.presenceGrace());
    TeleconsultStore store = new TeleconsultStore();
    TimelineStore timeline = new TimelineStore();
    HealthDataAccessStore accesses = new HealthDataAccessStore();
    VitalSignsStore vitals = new VitalSignsStore();
    this.patientData = new PatientDataService(platform, settings, store, new PatientDataStore(), timeline, outbox);
    TeleconsultEvents events = new TeleconsultEvents(outbox);
    this.service = new TeleconsultService(platform, settings, store, timeline, accesses, events, presence, rooms);
    this.intake = new IntakeService(platform, service, store, vitals, rooms);
    this.calls = new CallService(platform, service, store, timeline, accesses, presence, rooms);
    this.queueJobs = new QueueJobs(platform, settings, store, presence, patientData, service);
    this.pushAudit = new PushAudit(platform, accesses);
    this.careFiles = new CareFileService(platform, service, new CareFileStore(), accesses, events, settings.files());
    this.guests = new GuestService(platform, settings, service, store, new GuestStore(), rooms, senders);
    this.routes = new TeleconsultRoutes(service, intake, calls,
        new CareExchangeService(platform, service, store, vitals, new ExchangeStore()), careFiles,
        new CareReportService(platform, service, new CareFileStore(), new CareReportStore(), accesses, settings.files()), presence,
        guests);
    this.snapshot = new TeleconsultSnapshot(service, presence);
    this.replayCheck = new TeleconsultReplayCheck(platform, store);
    this.callMessages = new CallMessages(calls);
    this.connections = presence;
    this.demo = new DemoTeleconsult(platform, intake);
  }

  /** Teleconsultation's part of the demo territory: three months behind it, two requests waiting. */
  public Future<Void> loadDemo(Principal admin, Map<String, String> organisations, List<User> users) {
    return demo.load(users, settings.escalateAfter());
  }

  @Override
  public List<ApiModule> routes() {
    return List.of(routes);
  }

  @Override
  public JsonObject publicSettings() {
    return settings.publicValues();
  }

  @Override
  public List<Supplier<Future<Void>>> figures() {
    return List.of(service::refreshFigures);
  }

  @Override
  public List<SnapshotSource> snapshots() {
    return List.of(snapshot);
  }

  @Override
  public List<ReplayCheck> replayChecks() {
    return List.of(replayCheck);
  }

  @Override
  public List<ClientMessageHandler> messageHandlers() {
    return List.of(callMessages);
  }

  @Override
  public List<ConnectionObserver> connectionObservers() {
    return List.of(connections);
  }

  @Override
  public List<PushObserver> pushObservers() {
    return List.of(pushAudit);
  }

  /** Another database: the audit's memory of the reads of events by their ids. */
  @Override
  public List<Runnable> forgetters() {
    return List.of(pushAudit::databaseReplaced);
  }

  @Override
  public List<Jobs.Job> jobs() {
    // The heartbeat is a job of its own (another job failing never silences this node), and the
    // requests of gone doctors are judged right after it, once this node has said it lives.
    return List.of(new Jobs.Job("presence", () -> presence.sweep().compose(v -> queueJobs.requeueAbandoned())),
        new Jobs.Job("teleconsult", queueJobs::run), new Jobs.Job("care_files_staged", careFiles::purgeStaged));
  }

  /** This node says it lives (doctors' presence), and its audit of pushes starts writing. */
  @Override
  public Future<Void> start() {
    return presence.alive().onSuccess(v -> pushAudit.start());
  }

  /** This node's doctors' consoles are gone; the audit rows still waiting are written. */
  @Override
  public Future<Void> stop() {
    // Side by side: a database that hangs the presence's last write must not keep the audit from saying what it could not write.
    return Future.join(presence.leave().otherwiseEmpty(), pushAudit.stop()).mapEmpty();
  }
}
