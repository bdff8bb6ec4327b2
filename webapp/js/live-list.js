import { connect } from './realtime.js';
import { showConnection } from './ui.js';

/**
 * The appointments a professional's page shows, kept live (the agent's day, the mediator's bookings): a Map by id that
 * the socket's snapshot replaces and each `appointment.*` event updates, its fields merged into what the page had (an
 * event may carry fewer fields than the list: the rest is kept). The page renders from it, and puts in it what its own
 * requests answer.
 */
export class LiveAppointments extends Map {
  /** The snapshot's appointments, instead of all those kept. */
  replace(list) {
    this.clear();
    (list || []).forEach((a) => this.set(a.id, a));
  }

  /** An event's appointment merged into the one kept (or added); the merged one is returned. */
  merge(data) {
    const merged = { ...(this.get(data.id) || {}), ...data };
    this.set(data.id, merged);
    return merged;
  }

  /**
   * Follows the socket: `onSnapshot` after the snapshot replaced the list (by default `onChange`), `onChange` after each
   * appointment event was merged, then `onEvent(event)` (what to announce). The offline banner follows the socket.
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
        this.merge(event.data);
        onChange();
        onEvent(event);
      },
    });
  }
}
