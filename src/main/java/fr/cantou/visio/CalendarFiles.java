package fr.cantou.visio;

import fr.cantou.platform.Platform;
import io.vertx.core.Future;

import java.util.UUID;

/** "Ajouter à mon agenda": the appointment's calendar file, for whoever may open it. */
final class CalendarFiles {
  private final Platform platform;
  private final AppointmentService appointments;
  private final VisioMails mails;
  private final ManageTokens tokens;

  CalendarFiles(Platform platform, AppointmentService appointments, VisioMails mails, ManageTokens tokens) {
    this.platform = platform;
    this.appointments = appointments;
    this.mails = mails;
    this.tokens = tokens;
  }

  /** A step before the file is made: nothing in production; a test makes it fail. */
  private volatile java.util.function.Supplier<Future<Void>> beforeMaking = Future::succeededFuture;

  /**
   * The citizen's file carries her manage link; a file that staff download (an agent, a
   * mediator) carries none: the token is the citizen's key, not theirs to copy. Staff's downloads
   * are reads in the audit trail, written once the file is made (a file that could not be made
   * was read by no one).
   */
  Future<byte[]> of(Caller caller, UUID id) {
    return appointments.get(caller, id).compose(a -> {
      String token = caller.manageToken() != null ? tokens.issue(a) : null;
      return beforeMaking.get().compose(v -> platform.vertx().executeBlocking(
              () -> mails.invite(a, "cancelled".equals(a.status()) ? "cancellation" : "confirmation", token), false))
          .compose(file -> appointments.shown(caller, "appointment.calendar", a).map(file));
    });
  }

  void beforeMaking(java.util.function.Supplier<Future<Void>> step) {
    beforeMaking = step;
  }
}
