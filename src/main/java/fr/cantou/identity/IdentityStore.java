package fr.cantou.identity;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL of organisations, users, specialties and the settings table. Nothing but SQL. */
public final class IdentityStore {

  /** What the schema refuses, in identity's words (failures {@link DatabaseErrors.Refused} carry one). */
  public enum Refusal { ORGANISATION_EXISTS, EMAIL_TAKEN, SPECIALTY_EXISTS }

  /** The password hash of an e-mail, for login. */
  public record Credentials(UUID userId, String passwordHash, boolean active, Role role) {}

  public Future<Organisation> insertOrganisation(SqlClient db, String kind, String name, String commune, String timeZone,
                                                 String phone) {
    return db.preparedQuery("""
            INSERT INTO organisation (kind, name, commune, time_zone, phone) VALUES ($1, $2, $3, $4, $5)
            RETURNING id, kind, name, commune, time_zone, phone, created_at""")
        .execute(Tuple.of(kind, name, commune, timeZone, phone))
        .map(rows -> organisation(rows.iterator().next()))
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "", Refusal.ORGANISATION_EXISTS)));
  }

  public Future<List<Organisation>> organisations(SqlClient db) {
    return db.query("SELECT id, kind, name, commune, time_zone, phone, created_at FROM organisation ORDER BY name, commune")
        .execute()
        .map(rows -> Rows.map(rows, IdentityStore::organisation));
  }

  public Future<Optional<Organisation>> organisation(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT id, kind, name, commune, time_zone, phone, created_at FROM organisation WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(IdentityStore::organisation));
  }

  /** {@code passwordToReplace}: the password was typed by an admin, and its owner must choose her own first. */
  public Future<UUID> insertUser(SqlClient db, String email, String passwordHash, Role role, String displayName,
                                 UUID organisationId, boolean passwordToReplace) {
    return db.preparedQuery("""
            INSERT INTO app_user (email, password_hash, role, display_name, organisation_id, password_to_replace)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""")
        .execute(Tuple.of(email, passwordHash, role.code(), displayName, organisationId, passwordToReplace))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "", Refusal.EMAIL_TAKEN)));
  }

  public Future<Void> addSpecialties(SqlClient db, UUID userId, List<String> codes) {
    if (codes.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO user_specialty (user_id, specialty_code)
            SELECT $1, code FROM unnest($2::text[]) AS code ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(userId, (Object) codes.toArray(String[]::new)))
        .mapEmpty();
  }

  private static final String USER_COLUMNS = """
      u.id, u.email, u.role, u.display_name, u.organisation_id, u.active, u.created_at,
      COALESCE(ARRAY(SELECT s.specialty_code FROM user_specialty s WHERE s.user_id = u.id
                     ORDER BY s.specialty_code), '{}') AS specialties""";

  public Future<List<User>> users(SqlClient db, UUID organisationId) {
    return db.preparedQuery("SELECT " + USER_COLUMNS + " FROM app_user u"
            + " WHERE ($1::uuid IS NULL OR u.organisation_id = $1) ORDER BY u.display_name, u.email")
        .execute(Tuple.of(organisationId))
        .map(rows -> Rows.map(rows, IdentityStore::user));
  }

  public Future<Optional<User>> user(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT " + USER_COLUMNS + " FROM app_user u WHERE u.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(IdentityStore::user));
  }

  public Future<Optional<Credentials>> credentials(SqlClient db, String email) {
    return db.preparedQuery("SELECT id, password_hash, active, role FROM app_user WHERE email = $1")
        .execute(Tuple.of(email))
        .map(rows -> Rows.first(rows).map(r -> new Credentials(r.getUUID("id"), r.getString("password_hash"),
            r.getBoolean("active"), Role.fromCode(r.getString("role")))));
  }

  /** A signed-in user's own e-mail (the sign-in throttle's key) and password hash, to check her current password. */
  public record OwnCredentials(String email, String passwordHash) {}

  public Future<Optional<OwnCredentials>> ownCredentials(SqlClient db, UUID userId) {
    return db.preparedQuery("SELECT email, password_hash FROM app_user WHERE id = $1 AND active")
        .execute(Tuple.of(userId))
        .map(rows -> Rows.first(rows).map(r -> new OwnCredentials(r.getString("email"), r.getString("password_hash"))));
  }

  /**
   * Replaces the hash only if it is still the one that was checked: of two changes sent at once with the same current
   * password, one wins and the other is told (false), never both applied in turn.
   */
  public Future<Boolean> replacePasswordHash(SqlClient db, UUID userId, String checkedHash, String newHash) {
    return db.preparedQuery("""
            UPDATE app_user SET password_hash = $3, password_to_replace = false
            WHERE id = $1 AND active AND password_hash = $2""")
        .execute(Tuple.of(userId, checkedHash, newHash))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Her new password, chosen through a mailed link (her mailbox the proof): hers alone from now on. */
  public Future<Void> resetPasswordHash(SqlClient tx, UUID userId, String newHash) {
    return tx.preparedQuery("UPDATE app_user SET password_hash = $2, password_to_replace = false WHERE id = $1")
        .execute(Tuple.of(userId, newHash))
        .mapEmpty();
  }

  /** The caller as the database says now; empty when unknown or deactivated. */
  public Future<Optional<Principal>> activePrincipal(SqlClient db, UUID userId) {
    return activePrincipal(db, userId, null);
  }

  /**
   * The same, and only while the session {@code sessionId} (a family of refresh tokens; null: none named) has not ended:
   * signing out, or a refresh token used twice, revokes the family, and its access tokens stop at once, not at their expiry.
   */
  public Future<Optional<Principal>> activePrincipal(SqlClient db, UUID userId, UUID sessionId) {
    return db.preparedQuery("""
            SELECT u.role, u.display_name, u.organisation_id, u.password_to_replace,
                   ARRAY(SELECT s.specialty_code FROM user_specialty s WHERE s.user_id = u.id) AS specialties
            FROM app_user u WHERE u.id = $1 AND u.active
              AND ($2::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM refresh_token r
                                                    WHERE r.family_id = $2 AND r.revoked_at IS NOT NULL))""")
        .execute(Tuple.of(userId, sessionId))
        .map(rows -> Rows.first(rows).map(r -> new Principal(userId, Role.fromCode(r.getString("role")),
            r.getString("display_name"), r.getUUID("organisation_id"), Set.copyOf(Rows.strings(r, "specialties")), null,
            r.getBoolean("password_to_replace"))));
  }

  public Future<Boolean> deactivate(SqlClient db, UUID userId) {
    return db.preparedQuery("UPDATE app_user SET active = false, deactivated_at = now() WHERE id = $1 AND active")
        .execute(Tuple.of(userId))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> adminExists(SqlClient db) {
    return db.query("SELECT EXISTS (SELECT 1 FROM app_user WHERE role = 'admin' AND active) AS present")
        .execute()
        .map(rows -> rows.iterator().next().getBoolean("present"));
  }

  public Future<List<Specialty>> specialties(SqlClient db) {
    return db.query("SELECT code, label FROM specialty ORDER BY label")
        .execute()
        .map(rows -> Rows.map(rows, r -> new Specialty(r.getString("code"), r.getString("label"))));
  }

  public Future<Set<String>> knownSpecialties(SqlClient db, List<String> codes) {
    return db.preparedQuery("SELECT code FROM specialty WHERE code = ANY($1::text[])")
        .execute(Tuple.of((Object) codes.toArray(String[]::new)))
        .map(rows -> {
          Set<String> known = new HashSet<>();
          rows.forEach(r -> known.add(r.getString("code")));
          return known;
        });
  }

  public Future<Optional<Specialty>> specialty(SqlClient db, String code) {
    return db.preparedQuery("SELECT code, label FROM specialty WHERE code = $1")
        .execute(Tuple.of(code))
        .map(rows -> Rows.first(rows).map(r -> new Specialty(r.getString("code"), r.getString("label"))));
  }

  public Future<Specialty> insertSpecialty(SqlClient db, String code, String label) {
    return db.preparedQuery("INSERT INTO specialty (code, label) VALUES ($1, $2) RETURNING code, label")
        .execute(Tuple.of(code, label))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Specialty(r.getString("code"), r.getString("label"));
        })
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "", Refusal.SPECIALTY_EXISTS)));
  }

  private static Organisation organisation(Row r) {
    return new Organisation(r.getUUID("id").toString(), r.getString("kind"), r.getString("name"),
        r.getString("commune"), r.getString("time_zone"), r.getString("phone"), Rows.instant(r, "created_at"));
  }

  private static User user(Row r) {
    UUID org = r.getUUID("organisation_id");
    return new User(r.getUUID("id").toString(), r.getString("email"), r.getString("role"), r.getString("display_name"),
        org == null ? null : org.toString(), Rows.strings(r, "specialties"), r.getBoolean("active"), Rows.instant(r, "created_at"));
  }
}
