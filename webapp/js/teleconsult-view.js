import { currentUser, request } from './api.js';
import { openCall, phoneLink } from './call.js';
import { formatTime, ordinal, plural, t } from './i18n.js';
import { announce, el } from './ui.js';
import { vitalSignsTable } from './vital-signs.js';
import { exchangeView } from './exchange.js';
import { filesView, reportDownload } from './care-files.js';

let specialtyLabels = {};

export function setSpecialties(list) {
  specialtyLabels = Object.fromEntries(list.map((s) => [s.code, s.label]));
}

export function specialtyLabel(code) {
  return specialtyLabels[code] || code;
}

/**
 * Keeps the freshest view of each teleconsultation. An event (or an answer) carries the item as it is now, whole or, to
 * the pool once it left the queue, its summary: it replaces what the page had, never merged into it — a field cleared
 * is absent from it (the doctor who gave it back), and a merge kept her name on a request a colleague then took, with
 * the patient's data a summary no longer gives.
 */
export class Items {
  constructor() {
    this.byId = new Map();
    /** Counts what came in (each item merged, each snapshot): `since()` marks a moment by it. */
    this.generation = 0;
    /** By id, the generation of the last item merged: what an event (or an answer) brought, and when. */
    this.touched = new Map();
    /** The generation of the last snapshot, which replaced everything before it. */
    this.snapshotAt = 0;
  }

  /** Now, to give `reset` with a list asked for from now on: what comes in meanwhile is newer than its answer. */
  since() {
    return this.generation;
  }

  /**
   * The list instead of all kept. Without `since`, it is the whole truth (the socket's snapshot, in order with its
   * events). With `since`, it is an answer to a list asked for then (GET /api/teleconsultations): an item an event
   * changed after that is newer than the answer (a doctor took the request while the GET was on its way: its older
   * answer said "En attente" again) and is kept as the event left it; an answer older than the last snapshot is
   * dropped whole. Teleconsultations carry no version: the order in which they came is the only one known.
   */
  reset(list, since = null) {
    if (since === null) {
      this.generation += 1;
      this.snapshotAt = this.generation;
      this.touched.clear();
    } else if (since < this.snapshotAt) {
      return;
    }
    const fresh = new Map(list.map((item) => [item.id, item]));
    if (since !== null) {
      for (const [id, at] of this.touched) {
        if (at > since && this.byId.has(id)) {
          fresh.set(id, this.byId.get(id));
        }
      }
    }
    this.byId = fresh;
  }

  merge(data) {
    const before = this.byId.get(data.id);
    const after = { ...data };
    this.byId.set(data.id, after);
    this.generation += 1;
    this.touched.set(data.id, this.generation);
    return { before, after };
  }

  /** Open requests first (urgent ones at the top), then those closed; each group in the order they came. */
  all() {
    const closed = (i) => (i.status === 'completed' || i.status === 'cancelled' ? 1 : 0);
    const rank = (i) => (i.urgency === 'urgent' ? 0 : 1);
    return [...this.byId.values()].sort((a, b) => closed(a) - closed(b) || rank(a) - rank(b)
      || String(a.queuedAt).localeCompare(String(b.queuedAt)));
  }
}

export function statusText(item) {
  return t(`status.${item.status}`);
}

// Each state its colour AND its sign, so that it never rests on colour alone.
const STATUS_ICONS = { queued: '◔', assigned: '➜', in_call: '●', completed: '✓', cancelled: '✕' };

/** A tag: its sign (hidden from screen readers, which read the words) and its words. */
export function tag(kind, icon, text) {
  return el('span', { class: `tag ${kind}` }, el('span', { class: 'icon', 'aria-hidden': 'true' }, icon), text);
}

/**
 * One request, as a card: who, why, where it stands. `actions` are buttons the page adds;
 * `exchange` the options of its written exchange (`write`, `onSent`) for those who take part, and
 * `onFileWithdrawn` where its files may be withdrawn (the nurse's page, an open request: {@link filesView}).
 */
/** Whom a request is for, as its card's title says it: "CH-0042 · M.R. · 1938" (what is known of it). */
export function patientLine(item) {
  return [item.patient?.reference, item.patient?.initials, item.patient?.birthYear].filter(Boolean).join(' · ');
}

export function card(item, actions = [], exchange = {}) {
  const patient = patientLine(item);
  const tags = [
    item.urgency === 'urgent' ? tag('urgent', '!', t('nurse.urgent')) : null,
    item.kind === 'opinion' ? tag('kind', '✎', t('kind.opinion')) : null,
    item.overdue ? tag('warn', '⏱', t('queue.overdue')) : null,
    tag(`status-${item.status}`, STATUS_ICONS[item.status] || '', statusText(item)),
  ];
  const lines = [];
  if (item.status === 'queued') {
    if (item.plannedAt) {
      lines.push(t('queue.planned', { time: formatTime(item.plannedAt) }));
    } else {
      // Past 100 ahead the server counts no further (positionAtLeast): the place and the estimate are lower bounds.
      lines.push(item.positionAtLeast ? t('queue.behindMany', { n: item.position - 1 })
        : t('queue.position', { nth: ordinal(item.position) }));
      lines.push(item.availableDoctors > 0 ? plural('queue.doctors', item.availableDoctors) : t('queue.noDoctor'));
      if (item.waitEstimateMinutes != null) {
        lines.push(t(item.positionAtLeast ? 'queue.estimateAtLeast' : 'queue.estimate', { n: item.waitEstimateMinutes }));
      }
    }
  }
  if (item.doctorName && item.status !== 'queued') {
    lines.push(t('queue.takenBy', { name: item.doctorName }));
  }
  const report = item.report ? el('div', { class: 'notice' },
    el('h4', {}, t('doctor.report')), el('p', {}, item.report), el('p', {}, t(`outcome.${item.outcome}`))) : null;
  return el('article', { class: `card${item.urgency === 'urgent' ? ' urgent' : ''}${item.overdue ? ' overdue' : ''}`,
    'data-id': item.id, 'aria-label': `${patient} — ${statusText(item)}` },
  el('h3', {}, patient || item.id, ' — ', specialtyLabel(item.specialty)),
  el('p', {}, ...tags),
  item.reason ? el('p', {}, item.reason) : null,
  vitalSignsTable(item.vitalSigns),
  filesView(item, { onWithdrawn: exchange.onFileWithdrawn }),
  item.organisationName ? el('p', { class: 'muted' }, item.organisationName) : null,
  item.organisationPhone ? el('p', { class: 'contact' }, t('queue.phone'), ' ', phoneLink(item.organisationPhone)) : null,
  lines.length ? el('p', {}, lines.join(' · ')) : null,
  exchangeView(item, exchange),
  report,
  // Closed: its report leaves with the nurse, as one PDF to file in the resident's record.
  item.status === 'completed' ? reportDownload(item) : null,
  actions.length ? el('div', { class: 'actions' }, ...actions) : null);
}

/** The call this page has open: its item, the assignment whose room it is, and how to end it. */
let openOne = null;

/**
 * Opens the room of a teleconsultation and tells the server when this side joins and leaves.
 * Its token lives 15 minutes: entering again (audio only, "Réessayer") asks the server for a
 * fresh one, which comes only while the request is still this side's. `onClosed` names where the keyboard goes when she
 * leaves the call: a place the item's next re-render keeps (the join button pressed is drawn anew when her leaving comes
 * back as an event, and the keyboard on it fell to the page's top).
 */
export async function joinTeleconsultation(item, callBox, socket, { onClosed } = {}) {
  try {
    const path = `/api/teleconsultations/${item.id}/join`;
    const info = await request(path);
    const doctor = currentUser()?.role === 'doctor';
    openOne?.call?.close();
    const opening = { id: item.id, assignedAt: item.assignedAt, callBox, call: null };
    openOne = opening;
    opening.call = await openCall(callBox, info, {
      renew: () => request(path),
      onClosed,
      // The video server cannot be reached: the doctor calls the care home.
      fallback: () => el('p', {}, doctor ? (item.organisationPhone
        ? [t('call.callCareHome'), ' ', phoneLink(item.organisationPhone)] : t('call.careHomeNoPhone'))
        : t('call.doctorMayCall')),
      onJoined: () => socket.send({ type: 'call', teleconsultationId: item.id, event: 'joined' }),
      onLeft: () => socket.send({ type: 'call', teleconsultationId: item.id, event: 'left' }),
    });
  } catch (e) {
    announce(e.message);
  }
}

/** Ends the call this page has open, without a word (the doctor sent her report: the page says so itself). */
export function leaveCall() {
  openOne?.call?.close();
  openOne = null;
}

/**
 * The room this page has open is no longer this request's: it went back to the queue (its
 * doctor gone, or released), it was closed (completed, cancelled), or it was taken again (a new
 * assignment, a new room). The call ends here too, said where the call was, so that no one talks
 * on in a room given up. What the doctor typed in her report stays where it is.
 */
export function endCallIfRoomGone(item) {
  if (!openOne || openOne.id !== item.id) {
    return;
  }
  const open = item.status === 'assigned' || item.status === 'in_call';
  if (open && (!item.assignedAt || item.assignedAt === openOne.assignedAt)) {
    return;
  }
  const why = item.status === 'queued' ? 'call.requeued' : open ? 'call.roomChanged' : 'call.closed';
  openOne.call?.close();
  const message = el('p', { class: 'notice', role: 'alert', id: 'call-ended' }, t(why));
  openOne.callBox.replaceChildren(message);
  openOne.callBox.hidden = false;
  openOne = null;
}
