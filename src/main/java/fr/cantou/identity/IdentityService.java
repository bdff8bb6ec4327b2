package fr.cantou.identity;


import fr.cantou.platform.secrets.Secrets;
import fr.cantou.platform.Ids;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Rules for organisations, users and specialties; each change is one transaction. */
public final class IdentityService {
  private final Platform platform;
  private final IdentityStore store;
  private final RefreshTokenStore refreshTokens;
  private final PasswordHasher hasher;
  private final AdminCreations creations;
  private final AccountEvents events;
  private final PasswordResets resets;

  /** {@code resets}: where an account made without a password gets its invitation to choose one. */
  public IdentityService(Platform platform, IdentityStore store, RefreshTokenStore refreshTokens, PasswordHasher hasher,
                         AccountEvents events, PasswordResets resets) {
    this.platform = platform;
    this.resets = resets;
    this.events = events;
    this.store = store;
    this.refreshTokens = refreshTokens;
    this.hasher = hasher;
    this.creations = new AdminCreations(platform);
  }

  /** Sent again with its Idempotency-Key ({@code key}, or null), answered with the organisation the first made. */
  public Future<Organisation> createOrganisation(Principal by, String kind, String name, String commune, String timeZone,
                                                 String phone, String key) {
    String zone = timeZone == null || timeZone.isBlank() ? platform.config().defaultTimeZone().getId() : timeZone.trim();
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'timeZone': not a time zone such as Europe/Paris."));
    }
    String written = phone == null || phone.isBlank() ? null : PhoneNumbers.written(phone).orElse(null);
    if (phone != null && !phone.isBlank() && written == null) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'phone': a phone number such as 04 65 71 12 34."));
    }
    return creations.once(by, key, "organisation", Arrays.asList(kind, name.trim(), commune.trim(), zone, written),
            tx -> store.insertOrganisation(tx, kind, name.trim(), commune.trim(), zone, written)
                .compose(created -> audited(tx, by, "organisation.created", "organisation", created.id()).map(created.id())),
            e -> Refused.is(e, IdentityStore.Refusal.ORGANISATION_EXISTS))
        .recover(e -> Future.failedFuture(Refused.is(e, IdentityStore.Refusal.ORGANISATION_EXISTS)
            ? ApiException.conflict("An organisation of this kind and name already exists in {0}.", commune.trim())
            : e))
        .compose(id -> store.organisation(platform.pool(), UUID.fromString(id))).map(found -> found.orElseThrow());
  }

  public Future<List<Organisation>> organisations() {
    return store.organisations(platform.pool());
  }

  /**
   * Sent again with its Idempotency-Key ({@code key}, or null), answered with the account the first made. The password
   * is not part of what tells a retry (no unsalted hash of it is kept): a retry whose password differs is the same account;
   * whether one was given is (a retry as an invitation of a creation with a password, or the reverse, is refused 422).
   * Made by an admin ({@code by}), the account's owner must replace the password the admin typed before anything else;
   * made by the node itself (null: the first admin from the configuration, the demo's people), not. Without a password
   * ({@code password} null), the account has none that anyone knows (a hash of 32 random bytes never kept) and its
   * owner is mailed an invitation link, in the same transaction, to choose hers: the admin never knows it.
   */
  public Future<User> createUser(Principal by, String rawEmail, String password, Role role, String displayName,
                                 String organisationId, List<String> specialties, String key) {
    String email = AuthService.normalizeEmail(rawEmail);
    List<String> codes = specialties == null ? List.of() : specialties.stream().distinct().toList();
    boolean invited = password == null;
    if (!invited && password.length() < PasswordHasher.MIN_LENGTH) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'password': at least {0} characters.",
          PasswordHasher.MIN_LENGTH));
    }
    if (!codes.isEmpty() && role != Role.DOCTOR) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'specialties': only doctors have specialties."));
    }
    UUID organisation = organisationId == null ? null : Ids.field(organisationId, "organisationId");
    return checkOrganisation(role, organisation)
        .compose(v -> checkSpecialties(codes))
        .compose(v -> hasher.hash(invited ? Secrets.randomToken() : password))
        .compose(hash -> creations.once(by, key, "user", Arrays.asList(email, role.code(), displayName.trim(), organisationId, codes, invited),
            tx -> store.insertUser(tx, email, hash, role, displayName.trim(), organisation, by != null && !invited)
                .compose(id -> store.addSpecialties(tx, id, codes).map(id))
                .compose(id -> audited(tx, by, "user.created", "user", id).map(id))
                .compose(id -> (invited ? resets.invited(tx, id, platform.clock().instant()) : Future.<Void>succeededFuture())
                    .map(id.toString())),
            e -> Refused.is(e, IdentityStore.Refusal.EMAIL_TAKEN)))
        .recover(e -> Future.failedFuture(Refused.is(e, IdentityStore.Refusal.EMAIL_TAKEN)
            ? ApiException.conflict("A user with this e-mail already exists.") : e))
        .compose(id -> store.user(platform.pool(), UUID.fromString(id)))
        .map(found -> found.orElseThrow());
  }

  private Future<Void> checkOrganisation(Role role, UUID organisation) {
    boolean needsOne = role == Role.NURSE || role == Role.AGENT || role == Role.MEDIATOR;
    if (organisation == null) {
      return needsOne
          ? Future.failedFuture(ApiException.badRequest("Invalid field 'organisationId': a {0} belongs to an organisation.",
              new ProblemTexts.Term("role", role.code())))
          : Future.succeededFuture();
    }
    if (role == Role.ADMIN || role == Role.CITIZEN) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'organisationId': a {0} belongs to no organisation.",
          new ProblemTexts.Term("role", role.code())));
    }
    return store.organisation(platform.pool(), organisation).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.badRequest("Invalid field 'organisationId': no such organisation."));
      }
      OrganisationKind kind = OrganisationKind.fromCode(found.get().kind());
      if (!OrganisationKind.accepts(role, kind)) {
        return Future.failedFuture(ApiException.badRequest(
            "Invalid field 'organisationId': a {0} cannot belong to a {1}.", new ProblemTexts.Term("role", role.code()),
            new ProblemTexts.Term("kind", kind.code())));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> checkSpecialties(List<String> codes) {
    if (codes.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.knownSpecialties(platform.pool(), codes).compose(known -> {
      List<String> unknown = new ArrayList<>(codes);
      unknown.removeAll(known);
      return unknown.isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(ApiException.badRequest("Invalid field 'specialties': unknown {0}.", String.join(", ", unknown)));
    });
  }

  public Future<List<User>> users(String organisationId) {
    return store.users(platform.pool(), organisationId == null ? null : Ids.field(organisationId, "organisationId"));
  }

  /** The user can no longer sign in, its access tokens stop at once and its refresh tokens are revoked. */
  public Future<User> deactivate(UUID userId, Principal by) {
    if (userId.equals(by.userId())) {
      return Future.failedFuture(ApiException.conflict("You cannot deactivate your own account."));
    }
    return platform.pool().withTransaction(tx -> store.deactivate(tx, userId)
            .compose(changed -> refreshTokens.revokeUser(tx, userId, platform.clock().instant())
                .compose(v -> changed ? audited(tx, by, "user.deactivated", "user", userId) : Future.succeededFuture())
                .compose(v -> changed ? events.deactivated(tx, userId) : Future.succeededFuture())))
        .compose(v -> store.user(platform.pool(), userId))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No user with this id.")));
  }

  /** A change by an admin, in the admins' audit trail. */
  private Future<Void> audited(SqlClient tx, Principal by, String action, String kind, Object id) {
    return ChangeAuditStore.record(tx, by, action, kind, id, platform.clock().instant());
  }

  public Future<User> user(UUID id) {
    return store.user(platform.pool(), id).map(found -> found.orElseThrow(() -> ApiException.notFound("No user with this id.")));
  }

  public Future<List<Specialty>> specialties() {
    return store.specialties(platform.pool());
  }

  /** Sent again with its Idempotency-Key ({@code key}, or null), answered with the specialty the first made. */
  public Future<Specialty> createSpecialty(Principal by, String code, String label, String key) {
    return creations.once(by, key, "specialty", List.of(code, label.trim()), tx -> store.insertSpecialty(tx, code, label.trim())
            .compose(created -> audited(tx, by, "specialty.created", "specialty", created.code()).map(created.code())),
            e -> Refused.is(e, IdentityStore.Refusal.SPECIALTY_EXISTS))
        .recover(e -> Future.failedFuture(Refused.is(e, IdentityStore.Refusal.SPECIALTY_EXISTS)
            ? ApiException.conflict("This specialty already exists.") : e))
        .compose(made -> store.specialty(platform.pool(), made)).map(found -> found.orElseThrow());
  }

  /** Creates the first admin from the configuration when no admin exists yet. */
  public Future<Boolean> bootstrapAdmin(String email, String password) {
    return store.adminExists(platform.pool()).compose(exists -> exists ? Future.succeededFuture(false)
        : createUser(null, email, password, Role.ADMIN, "Administrateur", null, List.of(), null).map(true)
            .recover(e -> e instanceof ApiException api && api.status() == 409 ? Future.succeededFuture(false)
                : Future.failedFuture(e)));
  }

}
