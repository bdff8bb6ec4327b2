package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static fr.cantou.visio.AppointmentService.status;

/**
 * "Terminé" and "Absent" taken back: an agent of the appointment's administration (the one who marked it
 * or a colleague) may undo either for {@link #WINDOW} after it was marked. The appointment goes back to
 * booked (or in its call, if the agent had joined), its reminders still to come are written again, and
 * {@code appointment.reopened} tells the pages and every node's slots. The statistics count it as it is
 * now: no longer completed nor absent.
 */
final class OutcomeUndo {
  /** How long after "Terminé" or "Absent" the agent may take it back (the page says so). */
  static final Duration WINDOW = Duration.ofMinutes(30);

  private final Platform platform;
  private final AppointmentService appointments;
  private final MailStore mails;
  private final OutcomeStore outcomes;
  private final SlotCache slots;

  OutcomeUndo(Platform platform, AppointmentService appointments, MailStore mails, OutcomeStore outcomes,
              SlotCache slots) {
    this.platform = platform;
    this.appointments = appointments;
    this.mails = mails;
    this.outcomes = outcomes;
    this.slots = slots;
  }

  Future<Appointment> undo(Caller caller, UUID id) {
    Instant now = platform.clock().instant();
    return appointments.get(caller, id).compose(a -> {
      VisioRights.requireAgentOf(caller, a);
      return platform.pool().withTransaction(tx -> outcomes.reopen(tx, id, now.minus(WINDOW)).compose(done -> done
              ? mails.scheduleMails(tx, id, MailSchedule.reminders(a.start().toInstant(), now, MailSchedule.channels(a)))
                  .compose(v -> appointments.recorded(tx, id, caller, VisioEvents.REOPENED, VisioEvents.REOPENED))
              : Future.failedFuture(refusal(a))))
          .recover(e -> Future.failedFuture(Refused.is(e, VisioStore.Refusal.AGENT_TAKEN)
              || Refused.is(e, VisioStore.Refusal.POINT_TAKEN)
              ? ApiException.conflict("This appointment's time has been given to another since; it cannot be reopened.") : e))
          .onSuccess(after -> {
            slots.bookingsChanged(after.start().toInstant(), after.end().toInstant());
            platform.metrics().outcomeUndone(a.status());
          });
    });
  }

  private static ApiException refusal(Appointment a) {
    if ("completed".equals(a.status()) || "no_show".equals(a.status())) {
      return ApiException.conflict("This appointment has been {0} for over {1} minutes; it can no longer be undone.",
          status(a.status()), WINDOW.toMinutes());
    }
    return ApiException.conflict("This appointment is {0}; there is no outcome to undo.", status(a.status()));
  }
}
