package fr.cantou.realtime;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event goes to the sockets its audience names through each loop's index, not through
 * {@link Viewer#admits} asked of every socket: the index must admit exactly whom that rule admits,
 * each socket once, for any mix of viewers (people of every role, of organisations or none, doctors
 * of several specialties, manage-token holders, paired devices) and any audience.
 */
class AudienceIndexTest {
  private static final int PEOPLE = 40;
  private final Random random = new Random(20261204);
  private final List<UUID> users = ids(PEOPLE);
  private final List<UUID> organisations = ids(4);
  private final List<UUID> appointments = ids(5);
  private final List<UUID> devices = ids(5);
  private final List<String> specialties = List.of("cardiologie", "dermatologie", "gériatrie", "psychiatrie");

  @Test
  void it_reaches_exactly_the_sockets_viewer_admits_would_and_each_once() {
    for (int round = 0; round < 200; round++) {
      AudienceIndex index = new AudienceIndex();
      List<ClientSession> sockets = sockets(150);
      sockets.forEach(index::add);

      for (int event = 1; event <= 50; event++) {
        Audience audience = audience();
        assertThat(reached(index, audience, round * 1_000L + event))
            .as("audience %s", audience)
            .containsExactlyInAnyOrderElementsOf(sockets.stream().filter(s -> s.viewer.admits(audience)).toList());
      }
    }
  }

  @Test
  void a_closed_socket_is_no_longer_reached_and_the_others_still_are() {
    AudienceIndex index = new AudienceIndex();
    List<ClientSession> sockets = sockets(300);
    sockets.forEach(index::add);
    List<ClientSession> open = new ArrayList<>(sockets);
    for (int i = 0; i < 150; i++) {
      index.remove(open.remove(random.nextInt(open.size())));
    }

    for (int event = 1; event <= 200; event++) {
      Audience audience = audience();
      assertThat(reached(index, audience, event))
          .containsExactlyInAnyOrderElementsOf(open.stream().filter(s -> s.viewer.admits(audience)).toList());
    }
  }

  @Test
  void a_socket_closed_while_an_event_is_offered_leaves_the_index_without_disturbing_the_offer() {
    AudienceIndex index = new AudienceIndex();
    List<ClientSession> nurses = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      nurses.add(socket(Viewer.of(new Principal(UUID.randomUUID(), Role.NURSE, "Infirmière", organisations.get(0), Set.of()))));
    }
    nurses.forEach(index::add);
    Audience theCareHome = Audience.organisationRole(organisations.get(0), Role.NURSE.code());

    List<ClientSession> offered = new ArrayList<>();
    // A slow reader is closed by its own offer (4408): its close removes it from the index there and then.
    index.forEachAdmitted(theCareHome, 1, session -> {
      offered.add(session);
      index.remove(session);
    });

    assertThat(offered).containsExactlyInAnyOrderElementsOf(nurses);
    assertThat(reached(index, theCareHome, 2)).isEmpty();
  }

  @Test
  void a_live_push_is_a_read_of_its_own_unless_a_tab_of_the_same_person_at_the_same_address_on_the_loop_had_it() {
    AudienceIndex index = new AudienceIndex();
    Principal doctor = new Principal(UUID.randomUUID(), Role.DOCTOR, "Dr Lafon", null, Set.of("gériatrie"));
    ClientSession firstTab = socket(Viewer.of(doctor.from("192.0.2.1")));
    ClientSession secondTab = socket(Viewer.of(doctor.from("192.0.2.1")));
    ClientSession atHome = socket(Viewer.of(doctor.from("198.51.100.7")));
    ClientSession againAtHome = socket(Viewer.of(doctor.from("198.51.100.7")));
    ClientSession colleague = socket(Viewer.of(
        new Principal(UUID.randomUUID(), Role.DOCTOR, "Dr Vidal", null, Set.of("gériatrie")).from("192.0.2.1")));
    List.of(firstTab, secondTab, atHome, againAtHome, colleague).forEach(index::add);

    assertThat(firstRead(firstTab, 7)).as("the first push of event 7 to her").isTrue();
    assertThat(firstRead(atHome, 7)).as("another address: a read of its own").isTrue();
    assertThat(firstRead(secondTab, 7)).as("her other tab at the first address, after one elsewhere: the same read").isFalse();
    assertThat(firstRead(againAtHome, 7)).as("her other tab at home").isFalse();
    assertThat(firstRead(colleague, 7)).as("another doctor at that address").isTrue();
    assertThat(firstRead(secondTab, 8)).as("the next event").isTrue();

    index.remove(firstTab);
    ClientSession thirdTab = socket(Viewer.of(doctor.from("192.0.2.1")));
    index.add(thirdTab);
    assertThat(firstRead(thirdTab, 8)).as("a tab opened later, once the one that had it closed: still her").isFalse();
  }

  @Test
  void a_person_is_held_elsewhere_too_while_another_loop_of_the_node_holds_one_of_her_sockets() {
    Map<UUID, LoopReads.HerLoops> node = new java.util.concurrent.ConcurrentHashMap<>();
    AudienceIndex loop1 = new AudienceIndex(node);
    AudienceIndex loop2 = new AudienceIndex(node);
    Principal doctor = new Principal(UUID.randomUUID(), Role.DOCTOR, "Dr Lafon", null, Set.of("gériatrie"));
    ClientSession here = socket(Viewer.of(doctor.from("192.0.2.1")));
    ClientSession hereToo = socket(Viewer.of(doctor.from("192.0.2.1")));
    loop1.add(here);
    loop1.add(hereToo);
    assertThat(here.reader.heldElsewhereToo()).as("two tabs on one loop").isFalse();

    ClientSession there = socket(Viewer.of(doctor.from("192.0.2.1")));
    loop2.add(there);
    assertThat(here.reader.heldElsewhereToo()).isTrue();
    assertThat(there.reader.heldElsewhereToo()).isTrue();

    loop1.remove(here);
    assertThat(there.reader.heldElsewhereToo()).as("her other tab still on loop 1").isTrue();
    loop1.remove(hereToo);
    assertThat(there.reader.heldElsewhereToo()).isFalse();
    loop2.remove(there);
    assertThat(node).as("nobody held any more").isEmpty();
  }

  private static boolean firstRead(ClientSession tab, long eventId) {
    return tab.reader.firstRead(eventId, tab.viewer.principal().address());
  }

  private List<ClientSession> reached(AudienceIndex index, Audience audience, long eventId) {
    List<ClientSession> reached = new ArrayList<>();
    index.forEachAdmitted(audience, eventId, reached::add);
    return reached;
  }

  private List<ClientSession> sockets(int count) {
    List<ClientSession> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sockets.add(socket(viewer()));
    }
    return sockets;
  }

  private static ClientSession socket(Viewer viewer) {
    ClientSession session = new ClientSession(null, null, new ClientSession.QueueLimits(128, 1 << 20), PushObserver.NONE, "192.0.2.1");
    session.viewer = viewer;
    return session;
  }

  private Viewer viewer() {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return Viewer.ofAppointment(pick(appointments));
    }
    if (kind == 1) {
      return Viewer.ofDevice(pick(devices));
    }
    Role role = Role.values()[random.nextInt(Role.values().length)];
    UUID organisation = random.nextInt(3) == 0 ? null : pick(organisations);
    Set<String> theirs = new HashSet<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      theirs.add(pick(specialties));
    }
    // The same person may hold several sockets (tabs, devices): users come from a small pool.
    return Viewer.of(new Principal(pick(users), role, "Personne", organisation, Set.copyOf(theirs)));
  }

  private Audience audience() {
    Audience audience = Audience.none();
    for (int i = random.nextInt(3); i > 0; i--) {
      audience = audience.andUser(pick(users));
    }
    if (random.nextBoolean()) {
      audience = audience.andOrganisationRole(pick(organisations), Role.values()[random.nextInt(Role.values().length)].code());
    }
    if (random.nextInt(3) == 0) {
      audience = audience.andSpecialties(List.of(pick(specialties)));
    }
    if (random.nextInt(4) == 0) {
      audience = audience.andAppointment(pick(appointments));
    }
    if (random.nextInt(5) == 0) {
      audience = audience.andRole(Role.values()[random.nextInt(Role.values().length)].code());
    }
    if (random.nextInt(5) == 0) {
      audience = audience.and(Audience.device(pick(devices)));
    }
    if (random.nextInt(3) == 0) {
      audience = audience.except(pick(users));
    }
    return audience;
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static List<UUID> ids(int count) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(UUID.randomUUID());
    }
    return ids;
  }
}
