package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.User;
import fr.cantou.platform.Futures;
import io.vertx.core.Future;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Visio-accueil of the demo territory (demo/DemoTerritory loads the people first): services with
 * what to bring, agents' weeks, a point in every canton.
 */
public final class DemoVisio {

  record Service(String key, String orgKey, String name, String description, List<String> documents, int minutes,
                 String prefix) {}

  /**
   * {@code phone} in the range ARCEP keeps for fiction (04 65 71 …), as the organisations' of the demo; none for a point
   * of a France Services house or a tiers-lieu: the house's own phone stands for it.
   */
  record Point(String name, String commune, String kind, String address, String orgKey, String phone) {}

  static final List<Service> SERVICES = List.of(
      new Service("caf-droits", "caf", "Allocations familiales, RSA et prime d'activité",
          "Un conseiller de la CAF fait le point avec vous sur vos droits et vos démarches.",
          List.of("Votre numéro d'allocataire", "Vos trois derniers bulletins de salaire ou votre dernier avis d'imposition",
              "Un justificatif de domicile de moins de trois mois"), 30, "CAF"),
      new Service("caf-logement", "caf", "Aide au logement",
          "Pour une première demande d'aide au logement ou un changement de situation.",
          List.of("Votre numéro d'allocataire", "Votre bail ou votre dernière quittance de loyer", "Un RIB"), 30, "CAF"),
      new Service("cpam", "cpam", "Carte Vitale, remboursements et complémentaire santé solidaire",
          "Un conseiller de l'Assurance Maladie répond à vos questions de remboursement, de carte Vitale ou de "
              + "complémentaire santé solidaire.",
          List.of("Votre carte Vitale", "Vos derniers décomptes ou factures", "Vos justificatifs de ressources"), 20, "CPAM"),
      new Service("titres-sejour", "prefecture", "Titres de séjour",
          "Un agent de la préfecture vous aide à préparer votre demande ou à suivre son avancement.",
          List.of("Votre passeport", "Votre titre de séjour actuel ou votre récépissé", "Un justificatif de domicile"), 30, "PREF"),
      new Service("permis", "prefecture", "Permis de conduire et carte grise",
          "Aide aux démarches en ligne : permis de conduire, certificat d'immatriculation.",
          List.of("Votre pièce d'identité", "Votre numéro de dossier s'il existe déjà"), 20, "PREF"),
      new Service("apa", "solidarites", "Accompagnement social et allocation personnalisée d'autonomie (APA)",
          "Une travailleuse sociale du Département vous écoute et vous accompagne, vous ou un proche âgé.",
          List.of("Votre dernier avis d'imposition", "Vos justificatifs de ressources",
              "Les coordonnées du médecin traitant, si la demande concerne l'APA"), 45, "SOC"));

  /** Which agents serve which services. */
  static final Map<String, List<String>> AGENTS = Map.of(
      "agent.caf", List.of("caf-droits", "caf-logement"),
      "agent2.caf", List.of("caf-droits", "caf-logement"),
      "agent.cpam", List.of("cpam"),
      "agent2.cpam", List.of("cpam"),
      "agent.prefecture", List.of("titres-sejour", "permis"),
      "agent.solidarites", List.of("apa"));

  /** One point visio-accueil in each of the 15 cantons of the Cantal, in its main commune. */
  static final List<Point> POINTS = List.of(
      new Point("Mairie d'Arpajon-sur-Cère", "Arpajon-sur-Cère", "mairie", "Place de la Mairie", null, "04 65 71 21 01"),
      new Point("Médiathèque du Bassin d'Aurillac", "Aurillac", "mairie", "Aurillac-1", null, "04 65 71 21 02"),
      new Point("Maison de quartier de Marmiers", "Aurillac", "mairie", "Aurillac-2", null, "04 65 71 21 03"),
      new Point("Mairie annexe de l'Yser", "Aurillac", "mairie", "Aurillac-3", null, "04 65 71 21 04"),
      new Point("Mairie de Mauriac", "Mauriac", "mairie", "", null, "04 65 71 21 05"),
      new Point("France Services de Maurs", "Maurs", "france_services", "", "fs-maurs", null),
      new Point("Mairie de Murat", "Murat", "mairie", "", null, "04 65 71 21 07"),
      new Point("Mairie de Naucelles", "Naucelles", "mairie", "", null, "04 65 71 21 08"),
      new Point("Tiers-lieu La Grange numérique", "Pierrefort", "tiers_lieu", "Canton de Neuvéglise-sur-Truyère",
          "tl-pierrefort", null),
      new Point("France Services de Riom-ès-Montagnes", "Riom-ès-Montagnes", "france_services", "", "fs-riom", null),
      new Point("Mairie de Saint-Flour", "Saint-Flour", "mairie", "Saint-Flour-1", null, "04 65 71 21 11"),
      new Point("Espace numérique de la Ville Basse", "Saint-Flour", "mairie", "Saint-Flour-2", null, "04 65 71 21 12"),
      new Point("Mairie de Saint-Paul-des-Landes", "Saint-Paul-des-Landes", "mairie", "", null, "04 65 71 21 13"),
      new Point("Mairie de Vic-sur-Cère", "Vic-sur-Cère", "mairie", "", null, "04 65 71 21 14"),
      new Point("France Services d'Ydes", "Ydes", "france_services", "", "fs-ydes", null));

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DemoVisio.class);

  private DemoVisio() {}

  /** What was made: the services' ids by key, the points' ids, each agent's id and her services' keys. */
  record Made(Map<String, String> services, List<UUID> points, Map<UUID, List<String>> agents) {}

  /** {@code organisations}: the demo's keys ("caf", "fs-riom"…) to ids; {@code users}: the demo's people, by e-mail. */
  static Future<Made> load(CatalogueService catalogue, CalendarService calendars, Principal admin,
                           Map<String, String> organisations, List<User> users) {
    LOG.info("event=demo_visio services={} points={}", SERVICES.size(), POINTS.size());
    Map<String, String> services = new HashMap<>();
    Future<Void> chain = Futures.sequence(SERVICES, s -> catalogue.createService(admin, new VisioRecords.NewService(
        organisations.get(s.orgKey()), s.name(), s.description(), s.documents(), s.minutes(), s.prefix()), null)
        .onSuccess(created -> services.put(s.key(), created.id())));
    List<UUID> points = new ArrayList<>();
    Map<UUID, List<String>> agents = new HashMap<>();
    chain = chain.compose(v -> Futures.sequence(POINTS, p -> catalogue.createPoint(admin, new VisioRecords.NewPoint(
        p.name(), p.commune(), p.kind(), p.address(), p.orgKey() == null ? null : organisations.get(p.orgKey()),
        pointHours(p.kind()), p.phone()), null).onSuccess(point -> points.add(UUID.fromString(point.id())))));
    return chain.compose(v -> Futures.sequence(new ArrayList<>(AGENTS.entrySet()), agent -> {
      UUID id = UUID.fromString(users.stream().filter(u -> u.email().startsWith(agent.getKey() + "@"))
          .findFirst().orElseThrow().id());
      agents.put(id, agent.getValue());
      List<String> served = agent.getValue().stream().map(services::get).toList();
      return calendars.setAvailability(admin, id, new VisioRecords.Availability(served, workingWeek(), BUFFER_MINUTES, 120, 30));
    })).map(v -> new Made(services, points, agents));
  }

  /** The agents' pause after each appointment. */
  static final int BUFFER_MINUTES = 5;

  /** Monday to Friday, 9:00–12:00 and 13:30–16:30. */
  private static List<VisioRecords.Hours> workingWeek() {
    List<VisioRecords.Hours> week = new ArrayList<>();
    for (int day = 1; day <= 5; day++) {
      week.add(new VisioRecords.Hours(day, LocalTime.of(9, 0), LocalTime.of(12, 0)));
      week.add(new VisioRecords.Hours(day, LocalTime.of(13, 30), LocalTime.of(16, 30)));
    }
    return week;
  }

  /** Mairies open on weekday mornings and two afternoons; France Services and tiers-lieux all week and Saturday morning. */
  private static List<VisioRecords.Hours> pointHours(String kind) {
    List<VisioRecords.Hours> hours = new ArrayList<>();
    for (int day = 1; day <= 5; day++) {
      hours.add(new VisioRecords.Hours(day, LocalTime.of(8, 30), LocalTime.of(12, 0)));
      if (!kind.equals("mairie") || day == 2 || day == 4) {
        hours.add(new VisioRecords.Hours(day, LocalTime.of(13, 30), LocalTime.of(17, 30)));
      }
    }
    if (!kind.equals("mairie")) {
      hours.add(new VisioRecords.Hours(6, LocalTime.of(9, 0), LocalTime.of(12, 0)));
    }
    return hours;
  }
}
