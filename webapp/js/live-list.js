import { connect } from './realtime.js';
import { showConnection } from './ui.js';

/**
 * The colour of an appointment's status on a card, the same on the agent's page and the mediator's: green while it
 * holds, red once cancelled, orange when she did not come; a finished one in the text's colour (nothing to act on).
 */
export function statusTag(status) {
  return { booked: 'ok', in_call: 'ok', cancelled: 'urgent', no_show: 'warn' }[status] || '';
}

/**
 * The appointments a professional's page shows, kept live (the agent's day, the mediator's bookings): a Map by id that
 * the socket's snapshot replaces and each `appointment.*` event updates. An event carries the whole appointment as it
 * is now, and a field cleared is absent from it (her failed video, once she is in): the event's appointment replaces
 * the one kept, never merged into it (a merge kept "Vidéo impossible" on the card of someone in the call). The page
 * renders from it, and puts in it what its own requests answer.
 */
export class LiveAppointments extends Map {
  /** The snapshot's appointments, instead of all those kept. */
  replace(list) {
    this.clear();
    (list || []).forEach((a) => this.set(a.id, a));
  }

  /** An event's appointment instead of the one kept (or added); it is returned. */
  update(data) {
    const now = { ...data };
    delete now.previous;
    this.set(data.id, now);
    return now;
  }

  /**
   * Follows the socket: `onSnapshot` after the snapshot replaced the list (by default `onChange`), `onChange` after each
   * appointment event was applied, then `onEvent(event)` (what to announce). The offline banner follows the socket.
   */
  follow({ token, onChange, onSnapshot = onChange, onEvent = () => {} }) {
    return connect({
      token,
      onStatus: showConnection,
      onSnapshot: (snapshot) => {
        this.replace(snapshot.appointments);
        onSnapshot(snapshot);
      },
      onEvent: (event) => {
        if (!event.kind.startsWith('appointment.')) {
          return;
        }
        this.update(event.data);
        onChange();
        onEvent(event);
      },
    });
  }
}
