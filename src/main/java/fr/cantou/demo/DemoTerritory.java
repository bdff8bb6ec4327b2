package fr.cantou.demo;

import fr.cantou.identity.IdentityService;
import fr.cantou.identity.Organisation;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.identity.User;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The demo territory of the Cantal: care homes and maisons de santé (invented names),
 * hospitals, administrations, France Services houses and tiers-lieux, with their people.
 * Loaded once, only when asked (CANTOU_DEMO=true); starting again adds nothing. Each flow then
 * adds its part (a {@link Part}: visio-accueil's services, points and agents' weeks), handed over
 * by CantouNode, so that this package imports no flow.
 */
public final class DemoTerritory {
  private static final Logger LOG = LoggerFactory.getLogger(DemoTerritory.class);
  public static final String EMAIL_DOMAIN = "cantal.demo";

  /** {@code phone} in the range ARCEP keeps for fiction (04 65 71 …): never a real care home's line. */
  record Org(String key, String kind, String name, String commune, String phone) {
    Org(String key, String kind, String name, String commune) {
      this(key, kind, name, commune, null);
    }
  }

  record Person(String email, Role role, String displayName, String orgKey, List<String> specialties) {}

  /** A flow's part of the demo, loaded by the demo's admin once the people exist. */
  @FunctionalInterface
  public interface Part {
    /** {@code organisations}: the keys below ("caf", "fs-riom"…) to ids; {@code users}: every user, e-mails @cantal.demo. */
    Future<Void> load(Principal admin, Map<String, String> organisations, List<User> users);
  }

  static final List<Org> ORGANISATIONS = List.of(
      new Org("ehpad-murat", "ehpad", "EHPAD Les Estives", "Murat", "04 65 71 11 33"),
      new Org("ehpad-salers", "ehpad", "EHPAD Le Cantou du Puy Violent", "Salers", "04 65 71 12 36"),
      new Org("ehpad-pleaux", "ehpad", "EHPAD Les Tilleuls de la Xaintrie", "Pleaux", "04 65 71 13 39"),
      new Org("ehpad-massiac", "ehpad", "EHPAD Val d'Alagnon", "Massiac", "04 65 71 14 42"),
      new Org("ehpad-montsalvy", "ehpad", "EHPAD La Châtaigneraie", "Montsalvy", "04 65 71 15 45"),
      new Org("msp-chaudes-aigues", "maison_sante", "Maison de santé des Gorges de la Truyère", "Chaudes-Aigues", "04 65 71 16 48"),
      new Org("msp-allanche", "maison_sante", "Maison de santé du Cézallier", "Allanche", "04 65 71 17 51"),
      new Org("msp-condat", "maison_sante", "Maison de santé de l'Artense", "Condat", "04 65 71 18 54"),
      new Org("ch-aurillac", "hopital", "Centre hospitalier d'Aurillac", "Aurillac"),
      new Org("ch-saint-flour", "hopital", "Centre hospitalier de Saint-Flour", "Saint-Flour"),
      new Org("ch-mauriac", "hopital", "Centre hospitalier de Mauriac", "Mauriac"),
      new Org("caf", "administration", "CAF du Cantal", "Aurillac"),
      new Org("cpam", "administration", "CPAM du Cantal", "Aurillac"),
      new Org("prefecture", "administration", "Préfecture du Cantal", "Aurillac"),
      new Org("solidarites", "administration", "Département du Cantal — Solidarités", "Aurillac"),
      new Org("fs-riom", "france_services", "France Services de Riom-ès-Montagnes", "Riom-ès-Montagnes", "04 65 71 20 15"),
      new Org("fs-maurs", "france_services", "France Services de Maurs", "Maurs", "04 65 71 20 16"),
      new Org("fs-ydes", "france_services", "France Services d'Ydes", "Ydes", "04 65 71 20 17"),
      new Org("tl-pierrefort", "tiers_lieu", "Tiers-lieu La Grange numérique", "Pierrefort", "04 65 71 20 18"));

  static final List<Person> PEOPLE = List.of(
      new Person("admin", Role.ADMIN, "Claire Vermenouze (Conseil départemental)", null, List.of()),
      new Person("infirmiere.murat", Role.NURSE, "Sophie Delmas, IDE", "ehpad-murat", List.of()),
      new Person("idec.murat", Role.NURSE, "Martine Chabrier, IDEC", "ehpad-murat", List.of()),
      new Person("infirmiere.salers", Role.NURSE, "Élodie Fabre, IDE", "ehpad-salers", List.of()),
      new Person("infirmiere.pleaux", Role.NURSE, "Nadine Lacoste, IDE", "ehpad-pleaux", List.of()),
      new Person("infirmiere.massiac", Role.NURSE, "Julie Rouchy, IDE", "ehpad-massiac", List.of()),
      new Person("infirmiere.montsalvy", Role.NURSE, "Anne Cambon, IDE", "ehpad-montsalvy", List.of()),
      new Person("infirmier.chaudes-aigues", Role.NURSE, "Thomas Vidal, IDE", "msp-chaudes-aigues", List.of()),
      new Person("infirmiere.allanche", Role.NURSE, "Camille Boudou, IDE", "msp-allanche", List.of()),
      new Person("infirmiere.condat", Role.NURSE, "Laure Besson, IDE", "msp-condat", List.of()),
      new Person("dr.mercier", Role.DOCTOR, "Dr Hélène Mercier", "ch-aurillac", List.of("geriatrie", "medecine_generale")),
      new Person("dr.roux", Role.DOCTOR, "Dr Paul Roux", "ch-aurillac", List.of("cardiologie")),
      new Person("dr.lafon", Role.DOCTOR, "Dr Isabelle Lafon", "ch-saint-flour", List.of("dermatologie", "plaies_cicatrisation")),
      new Person("dr.bonnet", Role.DOCTOR, "Dr Marc Bonnet", "ch-saint-flour", List.of("psychiatrie")),
      new Person("dr.teyssier", Role.DOCTOR, "Dr Agnès Teyssier", "ch-mauriac", List.of("neurologie", "geriatrie")),
      new Person("dr.garcia", Role.DOCTOR, "Dr Luis Garcia", "ch-mauriac", List.of("soins_palliatifs", "medecine_generale")),
      new Person("dr.planchon", Role.DOCTOR, "Dr Jeanne Planchon", null, List.of("medecine_generale")),
      new Person("agent.caf", Role.AGENT, "Karine Lescure (CAF)", "caf", List.of()),
      new Person("agent2.caf", Role.AGENT, "Olivier Serre (CAF)", "caf", List.of()),
      new Person("agent.cpam", Role.AGENT, "Sandrine Malet (CPAM)", "cpam", List.of()),
      new Person("agent2.cpam", Role.AGENT, "Rémi Cantournet (CPAM)", "cpam", List.of()),
      new Person("agent.prefecture", Role.AGENT, "Damien Aubert (Préfecture)", "prefecture", List.of()),
      new Person("agent.solidarites", Role.AGENT, "Fatima Benali (Solidarités)", "solidarites", List.of()),
      new Person("mediateur.riom", Role.MEDIATOR, "Lucas Meyniel, conseiller France Services", "fs-riom", List.of()),
      new Person("mediatrice.maurs", Role.MEDIATOR, "Inès Falguière, conseillère France Services", "fs-maurs", List.of()),
      new Person("mediatrice.ydes", Role.MEDIATOR, "Chloé Rigal, conseillère France Services", "fs-ydes", List.of()),
      new Person("mediateur.pierrefort", Role.MEDIATOR, "Hugo Astruc, médiateur numérique", "tl-pierrefort", List.of()));

  private final Platform platform;
  private final IdentityService identity;
  private final List<Part> parts;
  private final DemoStore store = new DemoStore();

  public DemoTerritory(Platform platform, IdentityService identity, List<Part> parts) {
    this.platform = platform;
    this.identity = identity;
    this.parts = List.copyOf(parts);
  }

  /** True when this call loaded it; false when it was there already. */
  public Future<Boolean> loadOnce(String password) {
    return store.loaded(platform.pool()).compose(loaded -> {
      if (loaded) {
        return Future.succeededFuture(false);
      }
      return loadIdentities(password)
          .compose(orgIds -> identity.users(null).compose(users -> {
            Principal admin = admin(users.stream().filter(u -> u.email().equals("admin@" + EMAIL_DOMAIN)).findFirst().orElseThrow());
            return Futures.sequence(parts, part -> part.load(admin, orgIds, users));
          }))
          .compose(v -> store.markLoaded(platform.pool()))
          .onSuccess(v -> LOG.info("event=demo_loaded organisations={} users={} email_domain=@{}",
              ORGANISATIONS.size(), PEOPLE.size(), EMAIL_DOMAIN))
          .map(true);
    });
  }

  private static Principal admin(User admin) {
    return new Principal(UUID.fromString(admin.id()), Role.ADMIN, admin.displayName(), null, Set.of());
  }

  private Future<Map<String, String>> loadIdentities(String password) {
    Map<String, String> ids = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Org org : ORGANISATIONS) {
      chain = chain.compose(v -> identity.createOrganisation(null, org.kind(), org.name(), org.commune(), null, org.phone(), null))
          .map(Organisation::id)
          .onSuccess(id -> ids.put(org.key(), id))
          .mapEmpty();
    }
    for (Person person : PEOPLE) {
      chain = chain.compose(v -> identity.createUser(null, person.email() + "@" + EMAIL_DOMAIN, password, person.role(),
          person.displayName(), person.orgKey() == null ? null : ids.get(person.orgKey()), person.specialties(), null)).mapEmpty();
    }
    return chain.map(ids);
  }
}
