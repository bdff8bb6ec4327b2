package fr.cantou.realtime;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.realtime.LoopReads.HerLoops;
import fr.cantou.realtime.LoopReads.SameReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The greeted sockets of one event loop by the scopes their viewer belongs to, so that an event is
 * offered to the sockets its audience names instead of every socket of the loop being asked
 * {@link Viewer#admits}: an event costs what it reaches, not what the node holds (a care home's
 * item among thousands of other sockets reads only that home's nurses). Where every socket is
 * reached (the bench's fan-out) it costs about what asking each one did. It admits exactly whom
 * {@link Viewer#admits} admits ({@code AudienceIndexTest} compares them); that rule stays the one
 * the catch-up and HTTP use. Touched on its loop's thread only.
 */
final class AudienceIndex {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AudienceIndex.class);
  private final Map<Object, Set<ClientSession>> byUser = new HashMap<>();
  private final Map<Object, Set<ClientSession>> byRole = new HashMap<>();
  private final Map<Object, Set<ClientSession>> doctorsBySpecialty = new HashMap<>();
  private final Map<Object, Set<ClientSession>> byOrganisationRole = new HashMap<>();
  private final Map<Object, Set<ClientSession>> byAppointment = new HashMap<>();
  private final Map<Object, Set<ClientSession>> byDevice = new HashMap<>();
  /** Reused by each event, so that a broadcast allocates nothing per socket; null while one is being offered. */
  private List<ClientSession> reached = new ArrayList<>();
  /** The reads of the event being offered (reused). */
  private final LoopReads reads = new LoopReads();
  /** How many loops of the node hold each signed-in person's sockets (shared by the node's loops). */
  private final Map<UUID, HerLoops> loopsByPerson;

  AudienceIndex() {
    this(new ConcurrentHashMap<>());
  }

  AudienceIndex(Map<UUID, HerLoops> loopsByPerson) {
    this.loopsByPerson = loopsByPerson;
  }

  /** A socket whose viewer is now known. */
  void add(ClientSession session) {
    Principal principal = session.viewer.principal();
    Set<ClientSession> hers = principal == null ? null : byUser.get(principal.userId());
    forEachScope(session.viewer, (map, key) -> map.computeIfAbsent(key, k -> new HashSet<>(4)).add(session));
    if (principal != null) {
      session.reader = hers == null ? new SameReader(arrived(principal.userId())) : readerOf(hers, session);
    }
  }

  /** Her tabs on this loop share one {@link SameReader}: the first one's. */
  private static SameReader readerOf(Set<ClientSession> hers, ClientSession session) {
    for (ClientSession tab : hers) {
      if (tab != session && tab.reader != null) {
        return tab.reader;
      }
    }
    throw new IllegalStateException("a signed-in person's tab without its reader");
  }

  void remove(ClientSession session) {
    if (session.viewer == null) {
      return;
    }
    forEachScope(session.viewer, (map, key) -> {
      Set<ClientSession> members = map.get(key);
      if (members != null && members.remove(session) && members.isEmpty()) {
        map.remove(key);
        if (map == byUser) {
          left((UUID) key);
        }
      }
    });
  }

  /** Her first socket on this loop: one loop more holds her. */
  private HerLoops arrived(UUID userId) {
    return loopsByPerson.compute(userId, (id, loops) -> (loops == null ? new HerLoops() : loops).oneMore());
  }

  /** Her last socket on this loop closed. */
  private void left(UUID userId) {
    loopsByPerson.computeIfPresent(userId, (id, loops) -> loops.oneLess());
  }

  /**
   * Offers a live event to each socket its audience admits, then tells the observer how many took
   * it and who read it. One pass over the loop's sockets of each scope, nothing allocated per socket.
   */
  int offer(EventRecord event, PushObserver observer) {
    int pushed;
    try (SharedFrame shared = new SharedFrame(event.frame())) {
      pushed = offer(event, shared);
    }
    try {
      observer.offeredToAll(event, pushed, reads);
    } catch (RuntimeException e) {
      // The frames are written: an observer's failure is said with what it was told (the audit's own never throws).
      LOG.error("event=push_observer_failed id={} kind={} pushed={} readers={}", event.id(), event.kind(), pushed,
          reads.count(), e);
    } finally {
      reads.clear();
    }
    return pushed;
  }

  private int offer(EventRecord event, SharedFrame shared) {
    int[] pushed = {0};
    forEachAdmitted(event.audience(), event.id(), session -> {
      try {
        if (session.offer(event, shared)) {
          pushed[0]++;
          reads.add(session, event.id());
        }
      } catch (RuntimeException e) {
        // One socket's failure (a socket in a state nobody foresaw) costs that socket, not the loop's others.
        LOG.error("event=ws_offer_failed id={} kind={}", event.id(), event.kind(), e);
        session.end((short) 1011, "try again");
      }
    });
    return pushed[0];
  }

  /**
   * Runs {@code action} once for each socket that {@code audience} admits. The sockets are listed
   * first: an action may close its socket, which leaves the index. {@code eventId} marks a socket
   * already reached through another scope (and those {@code exceptUsers} names).
   */
  void forEachAdmitted(Audience audience, long eventId, Consumer<ClientSession> action) {
    List<ClientSession> list = reached != null ? reached : new ArrayList<>();
    reached = null;
    try {
      for (UUID excepted : audience.exceptUsers()) {
        mark(byUser.get(excepted), eventId);
      }
      for (UUID device : audience.devices()) {
        collect(byDevice.get(device), eventId, list);
      }
      if (audience.appointment() != null) {
        collect(byAppointment.get(audience.appointment()), eventId, list);
      }
      for (UUID user : audience.users()) {
        collect(byUser.get(user), eventId, list);
      }
      for (String role : audience.roles()) {
        collect(byRole.get(role), eventId, list);
      }
      for (String specialty : audience.specialties()) {
        collect(doctorsBySpecialty.get(specialty), eventId, list);
      }
      for (OrganisationRole members : audience.organisationRoles()) {
        collect(byOrganisationRole.get(members), eventId, list);
      }
      for (ClientSession session : list) {
        action.accept(session);
      }
    } finally {
      list.clear();
      reached = list;
    }
  }

  private static void mark(Set<ClientSession> sessions, long eventId) {
    if (sessions != null) {
      sessions.forEach(session -> session.reachedBy = eventId);
    }
  }

  private static void collect(Set<ClientSession> sessions, long eventId, List<ClientSession> into) {
    if (sessions == null) {
      return;
    }
    for (ClientSession session : sessions) {
      if (session.reachedBy != eventId) {
        session.reachedBy = eventId;
        into.add(session);
      }
    }
  }

  private interface ScopeAction {
    void on(Map<Object, Set<ClientSession>> byScope, Object key);
  }

  /** The scopes of {@link Viewer#admits}, one by one: the same rule, read the other way. */
  private void forEachScope(Viewer viewer, ScopeAction action) {
    if (viewer.device() != null) {
      action.on(byDevice, viewer.device());
      return;
    }
    if (viewer.appointmentId() != null) {
      action.on(byAppointment, viewer.appointmentId());
      return;
    }
    Principal principal = viewer.principal();
    action.on(byUser, principal.userId());
    action.on(byRole, principal.role().code());
    if (principal.role() == Role.DOCTOR) {
      for (String specialty : principal.specialties()) {
        action.on(doctorsBySpecialty, specialty);
      }
    }
    if (principal.organisationId() != null) {
      action.on(byOrganisationRole, new OrganisationRole(principal.organisationId(), principal.role().code()));
    }
  }
}
