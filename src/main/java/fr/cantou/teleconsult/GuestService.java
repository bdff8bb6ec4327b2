package fr.cantou.teleconsult;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.notify.LogSmsSender;
import fr.cantou.notify.Senders;
import fr.cantou.platform.PersonName;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Idempotent;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A third seat in the call: the nurse or the doctor invites an interpreter, a family member or the
 * resident's regular GP, with the resident's consent, while the call runs or can run. The guest gets
 * a link holding a secret (256 random bits, only its SHA-256 kept) that opens the room of this one
 * assignment, only while the call runs, never as a moderator; it is void once the request is
 * completed, cancelled or given back, or the guest removed (docs/security.md), and only in the first browser that
 * opened it (the link is one browser's: another gets 409). What a guest's
 * endpoints answer names who invites and for what, never the resident, the reason or the report.
 * Her mail or SMS is {@link GuestInvitations}'.
 *
 * <p>Long because an invitation is checked (name, contact, consent), counted against the call's seats under the item's
 * lock, answered again under its Idempotency-Key, and its link is checked at each of the guest's steps: one secret's
 * rules, kept in one place.
 */
public final class GuestService {
  /**
   * A guest's room token: long enough to enter, short so that a guest withdrawn while inside cannot come back in with it
   * for long (an hour, before the outside review); a reconnect later asks her page for a new one, checked again.
   */
  static final Duration GUEST_TOKEN_LIFETIME = Duration.ofMinutes(15);
  /** Invitations over all the calls of one request: this many times the cap of one call. */
  static final int MOST_INVITATIONS_PER_REQUEST_FACTOR = 2;
  /** Her role as the room shows it after her name ("Ana Lopes (interprète)"); the mail says it its own way ({@link GuestInvitations}). */
  private static final Map<String, String> ROLE_FR = Map.of("interpreter", "interprète", "family", "famille",
      "gp", "médecin traitant");

  /** Where the call stands for a guest: not yet started, running, over, or her link void (removed, request given back). */
  enum CallState { waiting, open, ended, revoked }

  /** What the guest's page shows: who invites her and for what, never the resident's data. */
  public record Invitation(String guestName, String role, String invitedByName, String invitedBySide, String organisationName,
                           String doctorName, CallState call) {}

  /** A guest as the nurse and the doctor see it ({@code sent}: whether the mail or SMS went, on the invitation's answer). */
  public record Guest(String id, String name, String role, String channel, String contact, String consentBy,
                      String invitedByName, Instant invitedAt, Instant openedAt, Instant joinedAt, Instant removedAt,
                      boolean current, Boolean sent) {}

  private static final ApiException GUEST_KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for another "
      + "invitation; send a new key with a new invitation.");
  /** In the invitation's transaction: the same key's guest was written meanwhile (the retry waited for its lock). */
  private static final ApiException KEY_USED_MEANWHILE = new ApiException(409, "This Idempotency-Key was used for another "
      + "invitation; send a new key with a new invitation.");
  /**
   * Her invitation sent again after she gave the request back: it was made (before the give-back), and the request is
   * no longer hers to see. Said as such, never as a refusal to invite, and without the guest (as a message's retry).
   */
  private static final ApiException INVITED_BEFORE_GIVEN_BACK = ApiException.conflict("Your invitation was sent: it was "
      + "made before you gave this request back. The request is no longer yours, so its guests are not shown to you any more.");

  private final Platform platform;
  private final TeleconsultConfig settings;
  private final TeleconsultService service;
  private final TeleconsultStore items;
  private final GuestStore store;
  private final JitsiRooms rooms;
  private final GuestInvitations invitations;
  private final String site;

  GuestService(Platform platform, TeleconsultConfig settings, TeleconsultService service, TeleconsultStore items,
               GuestStore store, JitsiRooms rooms, Senders senders) {
    this.platform = platform;
    this.settings = settings;
    this.service = service;
    this.items = items;
    this.store = store;
    this.rooms = rooms;
    this.invitations = new GuestInvitations(senders);
    this.site = platform.config().http().publicUrl().toString().replaceAll("/$", "");
  }

  private Instant now() {
    return platform.clock().instant();
  }

  /**
   * Sent again with its Idempotency-Key (the answer lost on a weak link), an invitation is answered with the guest the
   * first made, whether its mail or SMS went included: never a second message, a second link, or one more seat.
   */
  public Future<Guest> invite(Principal p, UUID id, NewGuest asked, String idempotencyKey) {
    TeleconsultRights.requireCareSide(p);
    if (asked.consent() == null || !Boolean.TRUE.equals(asked.consent().given())) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'consent.given': the resident's consent (or a legal "
          + "representative's) is required before anyone else joins the call."));
    }
    // Said in the mail sent from Cantou and shown in the room: a name as on a form, never a link, a line break or
    // lookalike letters (the outside review sent "Ana\u2028https://…" to an address of its choice).
    Optional<String> cleaned = asked.name() == null ? Optional.empty() : PersonName.clean(asked.name());
    if (cleaned.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'name': "
          + "a name on one line, as on a form: letters, spaces, apostrophes, hyphens, commas, parentheses, at most eight words."));
    }
    String name = cleaned.get();
    boolean byMail = asked.email() != null && !asked.email().isBlank();
    boolean bySms = asked.phone() != null && !asked.phone().isBlank();
    if (byMail == bySms) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'email': give the guest's e-mail address or her "
          + "mobile number, one of them."));
    }
    String to;
    if (bySms) {
      Optional<String> written = PhoneNumbers.written(asked.phone());
      if (written.isEmpty() || !PhoneNumbers.textable(asked.phone())) {
        return Future.failedFuture(ApiException.badRequest("Invalid field 'phone': an invitation goes by SMS only to a French "
            + "mobile number (06 or 07); give an e-mail address otherwise."));
      }
      to = PhoneNumbers.canonical(asked.phone());
    } else {
      to = asked.email().trim();
      if (!fr.cantou.notify.MailAddresses.valid(to)) {
        return Future.failedFuture(ApiException.badRequest("Invalid field 'email': not an e-mail address."));
      }
    }
    String consentBy = asked.consent().by() == null ? "patient" : asked.consent().by();
    Instant now = now();
    String token = Secrets.randomToken();
    UUID guestId = UUID.randomUUID();
    Idempotent sent = sentWith(idempotencyKey, id, asked, bySms, to);
    return service.load(id).compose(item -> {
      if (!mayInvite(p, item)) {
        return invitedBeforeGivenBack(p, sent).compose(wasSent -> Future.failedFuture(wasSent ? INVITED_BEFORE_GIVEN_BACK
            : notInviter()));
      }
      return Idempotent.once(sent, () -> store.byIdempotencyKey(platform.pool(), p.userId(), idempotencyKey),
          made -> store.find(platform.pool(), id, made).map(found -> guest(found.orElseThrow(), true, found.get().sent())),
          () -> invited(p, item, asked, name, to, bySms, consentBy, guestId, token, sent, now),
          e -> e == KEY_USED_MEANWHILE || Refused.is(e, GuestStore.Refusal.KEY_USED), GUEST_KEY_REUSED);
    });
  }

  /**
   * The key of an invitation with the request as its row keeps it: her contact ({@code to}) by its mask, never whole (a
   * hash of a French mobile number gives it back in a fraction of a second, and the row keeps it masked on purpose).
   */
  static Idempotent sentWith(String key, UUID id, NewGuest asked, boolean bySms, String to) {
    return Idempotent.of(key, java.util.Arrays.asList(id, asked.name(), asked.role(), bySms ? "sms" : "mail",
        bySms ? LogSmsSender.mask(to) : masked(to), asked.consent()));
  }

  /** The new guest written (the call's seats counted under the item's lock), then her mail or SMS sent. */
  private Future<Guest> invited(Principal p, Teleconsultation item, NewGuest asked, String name, String to, boolean bySms,
                                String consentBy, UUID guestId, String token, Idempotent sent, Instant now) {
    UUID id = UUID.fromString(item.id());
    return afterInviterChecked.get().compose(checked -> platform.pool().withTransaction(tx -> store.lockOpenRoom(tx, id)
        // A retry that waited for the first send's lock: the seats it counts include the first's guest.
        .compose(room -> sent == null ? Future.succeededFuture(room) : store.byIdempotencyKey(tx, p.userId(), sent.key())
            .compose(first -> first.isPresent() ? Future.failedFuture(KEY_USED_MEANWHILE) : Future.succeededFuture(room)))
        .compose(room -> {
          if (room.isEmpty()) {
            return Future.failedFuture(TeleconsultService.KIND_OPINION.equals(item.kind())
                ? ApiException.conflict("This request asks for a written opinion: it has no call to invite anyone into.")
                : ApiException.conflict("Someone can be invited only while the call runs or is about to; this "
                    + "teleconsultation is {0}.", TeleconsultService.status(item)));
          }
          if (p.is(Role.DOCTOR) && !p.userId().toString().equals(room.get().doctorId())) {
            // Given back and taken by another doctor since the check above: not hers to invite into.
            return Future.failedFuture(ApiException.forbidden(
                "Only the care home's nurses and the assigned doctor may invite someone into this call."));
          }
          String roomName = room.get().roomName();
          // Per call, and per request over all its calls: a give-back and a new claim make a new room, not new invitations
          // (the outside review sent nine SMS to one number in three such turns).
          return store.countForRoom(tx, id, roomName).compose(count -> count >= settings.guestsPerCall()
              ? Future.failedFuture(ApiException.conflict("This call already has {0} guests invited, the most allowed.",
                  String.valueOf(settings.guestsPerCall())))
              : store.countForItem(tx, id)).compose(count -> {
            if (count >= MOST_INVITATIONS_PER_REQUEST_FACTOR * settings.guestsPerCall()) {
              return Future.failedFuture(ApiException.conflict("This request already had {0} invitations, the most allowed.",
                  String.valueOf(MOST_INVITATIONS_PER_REQUEST_FACTOR * settings.guestsPerCall())));
            }
            GuestStore.NewGuest row = new GuestStore.NewGuest(guestId, id, roomName, Secrets.sha256(token), name, asked.role(),
                bySms ? "sms" : "mail", bySms ? LogSmsSender.mask(to) : masked(to), consentBy, p.userId(), sent);
            return store.insert(tx, row, now)
                .compose(v -> service.recorded(tx, id, p, "guest_invited", new JsonObject().put("guest", name)
                    .put("role", asked.role()).put("channel", row.channel()).put("consentBy", consentBy), now,
                    TeleconsultEvents.CALL));
          });
        }))).compose(recorded -> invitations.send(recorded, p, name, asked.role(), bySms, to, link(id, token))
          // Kept for a retry's answer; not kept (the database away a moment), a retry answers it unknown.
          .compose(went -> store.markSent(platform.pool(), guestId, went).transform(v -> Future.succeededFuture(went)))
          .compose(went -> store.find(platform.pool(), id, guestId).map(found -> guest(found.orElseThrow(), true, went))));
  }

  /**
   * A test's seam: what happens between an invitation's rights check and its transaction (nothing
   * in production). A test gives the request back and has another doctor take it there, to show
   * that the first one cannot invite into the second one's call.
   */
  private volatile Supplier<Future<Void>> afterInviterChecked = Future::succeededFuture;

  /** Tests only: {@code step} runs between each invitation's rights check and its transaction. */
  void afterInviterChecked(Supplier<Future<Void>> step) {
    afterInviterChecked = step;
  }

  private static boolean mayInvite(Principal p, Teleconsultation item) {
    boolean doctor = p.is(Role.DOCTOR) && p.userId().toString().equals(item.doctorId());
    return doctor || TeleconsultRights.isNurseSide(p, item);
  }

  private static ApiException notInviter() {
    return ApiException.forbidden("Only the care home's nurses and the assigned doctor may invite someone into this call.");
  }

  /**
   * Whether this very invitation (its key, this item, the same guest) was made by her already: a doctor's retry after she
   * gave the request back, whose first sending was made while it was hers (the fingerprint holds the item).
   */
  private Future<Boolean> invitedBeforeGivenBack(Principal p, Idempotent sent) {
    return sent == null ? Future.succeededFuture(false) : store.byIdempotencyKey(platform.pool(), p.userId(), sent.key())
        .map(made -> made.isPresent() && sent.madeBy(made.get().fingerprint()));
  }

  /** The guest's link: her page, with the request's id and her secret after the '#' (never sent to a server, never in a log). */
  String link(UUID item, String token) {
    return site + "/invitation.html#" + item + "." + token;
  }

  public Future<List<Guest>> list(Principal p, UUID id) {
    TeleconsultRights.requireCareSide(p);
    return items.findWithRoom(platform.pool(), id, now()).compose(found -> {
      TeleconsultStore.WithRoom seen = found.orElseThrow(() -> ApiException.notFound("No teleconsultation with this id."));
      TeleconsultRights.requireParticipant(p, seen.item());
      return store.ofItem(platform.pool(), id).map(rows -> rows.stream()
          .map(g -> guest(g, g.roomName().equals(seen.roomName()) && open(seen.item()), null)).toList());
    });
  }

  public Future<Guest> remove(Principal p, UUID id, UUID guestId) {
    TeleconsultRights.requireCareSide(p);
    Instant now = now();
    return service.load(id).compose(item -> {
      TeleconsultRights.requireParticipant(p, item);
      return platform.pool().withTransaction(tx -> store.find(tx, id, guestId).compose(found -> {
        GuestStore.GuestRow g = found.orElseThrow(() -> ApiException.notFound("No guest with this id in this teleconsultation."));
        return store.remove(tx, id, guestId, p.userId(), now).compose(done -> !done ? Future.succeededFuture(g)
            : service.recorded(tx, id, p, "guest_removed", new JsonObject().put("guest", g.name()).put("role", g.role()), now,
                TeleconsultEvents.CALL).map(g));
      })).compose(v -> store.find(platform.pool(), id, guestId)).map(g -> guest(g.orElseThrow(), false, null));
    });
  }

  /** The guest's page: who invites her and whether the call runs. */
  public Future<Invitation> invitation(UUID id, String token, String device) {
    // The doctor's name only while the call is hers to join: a void link must not tell who took the request next.
    return seen(id, token, device).map(s -> new Invitation(s.guest().name(), s.guest().role(), s.guest().invitedByName(),
        "doctor".equals(s.guest().invitedBySide()) ? "doctor" : "nurse", s.item().item().organisationName(),
        s.state() == CallState.waiting || s.state() == CallState.open ? s.item().item().doctorName() : null, s.state()));
  }

  /** Her way into the room, only while the call runs; never a moderator. */
  public Future<JoinInfo> join(UUID id, String token, String device) {
    Instant now = now();
    return seen(id, token, device).compose(s -> {
      Optional<ApiException> closed = switch (s.state()) {
        case waiting -> Optional.of(ApiException.conflict("The call has not started yet: this page lets you in as soon as it does."));
        case ended -> Optional.of(ApiException.conflict("The call is over; this link is no longer valid."));
        case revoked -> Optional.of(ApiException.conflict("This invitation was withdrawn; this link is no longer valid."));
        case open -> Optional.empty();
      };
      if (closed.isPresent()) {
        return Future.failedFuture(closed.get());
      }
      GuestStore.GuestRow g = s.guest();
      return platform.pool().withTransaction(tx -> store.markJoined(tx, g.id(), now).compose(first -> !first
              ? Future.<Void>succeededFuture()
              : service.recorded(tx, id, null, "guest_joined", new JsonObject().put("guest", g.name()).put("role", g.role()),
                  now, TeleconsultEvents.CALL).mapEmpty()))
          .map(v -> rooms.join(s.item().roomName(), new Participant("guest-" + g.id(),
              g.name() + " (" + ROLE_FR.getOrDefault(g.role(), g.role()) + ")", null, false), now,
              now.plus(GUEST_TOKEN_LIFETIME)));
    });
  }

  private record Seen(GuestStore.GuestRow guest, TeleconsultStore.WithRoom item, CallState state) {}

  /**
   * The invitation of this secret on this item, and where its call stands: 401 without a secret or a browser's key, 403
   * with another's secret, 409 when another browser opened the link first. The first browser to come binds the link to
   * its key ({@link GuestStore#bindDevice}); from then on the link opens only there (docs/security.md, "One browser per
   * link").
   */
  private Future<Seen> seen(UUID id, String token, String device) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("Give the invitation's secret (X-Guest-Token)."));
    }
    if (device == null || !DEVICE_KEY.matcher(device).matches()) {
      return Future.failedFuture(ApiException.unauthorized("Give this browser's key (X-Guest-Device): 22 to 128 letters, "
          + "digits, '-' or '_', made once by the page and kept."));
    }
    return store.byToken(platform.pool(), id, Secrets.sha256(token.trim())).compose(found -> {
      GuestStore.GuestRow g = found.orElseThrow(() -> ApiException.forbidden("This invitation link is not valid for this call."));
      return store.bindDevice(platform.pool(), id, g.id(), Secrets.sha256(device), now()).compose(mine -> !mine
          ? Future.failedFuture(ApiException.conflict("This invitation link was already opened on another device; it opens only "
              + "there. Ask the nurse or the doctor who invited you for a new invitation."))
          : items.findWithRoom(platform.pool(), id, now()).map(item -> {
            TeleconsultStore.WithRoom w = item.orElseThrow(() -> ApiException.forbidden("This invitation link is not valid for this call."));
            return new Seen(g, w, state(g, w));
          }));
    });
  }

  /** A browser's key for a guest's link: made by the page (256 random bits, base64url: 43 characters). */
  private static final java.util.regex.Pattern DEVICE_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{22,128}");

  private static CallState state(GuestStore.GuestRow g, TeleconsultStore.WithRoom w) {
    String status = w.item().status();
    if (g.removedAt() != null) {
      return CallState.revoked;
    }
    if (Status.COMPLETED.equals(status) || Status.CANCELLED.equals(status)) {
      return CallState.ended;
    }
    if (!g.roomName().equals(w.roomName()) || Status.QUEUED.equals(status)) {
      // Given back: the next assignment is a new room, not hers.
      return CallState.revoked;
    }
    return Status.IN_CALL.equals(status) ? CallState.open : CallState.waiting;
  }

  private static boolean open(Teleconsultation item) {
    return Status.ASSIGNED.equals(item.status()) || Status.IN_CALL.equals(item.status());
  }

  private static Guest guest(GuestStore.GuestRow g, boolean current, Boolean sent) {
    return new Guest(g.id().toString(), g.name(), g.role(), g.channel(), g.maskedContact(), g.consentBy(), g.invitedByName(),
        g.invitedAt(), g.openedAt(), g.joinedAt(), g.removedAt(), current && g.removedAt() == null, sent);
  }

  /** anne.martin@example.fr → a***@example.fr: enough for the nurse to see where it went. */
  static String masked(String email) {
    int at = email.indexOf('@');
    return email.charAt(0) + "***" + email.substring(at);
  }

}
