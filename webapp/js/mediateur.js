import { request, serverNow, token, untilHeard } from './api.js';
import { BookingWizard, convocationSheet } from './booking.js';
import { openCall, prepareCallIfNear } from './call.js';
import { formatWhen, t } from './i18n.js';
import { LiveAppointments, statusTag } from './live-list.js';
import { plainMessage } from './form-errors.js';
import { mountScreens } from './screens.js';
import { announce, askThenSend, el, requireRole, setUpPage, whileSending } from './ui.js';

await setUpPage();
const me = await requireRole('mediator');
const listBox = document.getElementById('appointments');
const callBox = document.getElementById('call');
const appointments = new LiveAppointments();
// Kept across live re-renders: why joining was refused, on the card it concerns ("La salle ouvrira…").
const refusals = new Map();

function render() {
  const focused = document.activeElement?.closest?.('.join-refused')?.id;
  const list = [...appointments.values()].sort((a, b) => a.start.localeCompare(b.start));
  // A room near: its video script comes now, not after his press on "Rejoindre à côté de la personne".
  prepareCallIfNear(list, serverNow());
  listBox.replaceChildren(...(list.length ? list.map((a) => el('article', { class: 'card', 'data-id': a.id },
    el('h3', {}, `${formatWhen(a.start, a.timeZone)} — ${a.citizen?.name ?? t('appointment.erased')}`),
    el('p', {}, `${a.serviceName} · ${a.administration} · ${a.reference}`),
    // The status, then the place: said apart ("Confirmé · France Services…"), not run together.
    el('p', {}, el('span', { class: `tag ${statusTag(a.status)}`.trim() }, t(`appointment.${a.status}`)), a.pointName ? ` · ${a.pointName}` : null),
    (a.status === 'booked' || a.status === 'in_call') ? el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: (event) => whileSending(event.currentTarget, () => join(a)) },
        t('mediator.joinBeside')),
      // He holds it for her (without a contact, nothing else reaches her): cancelling is asked first, named for her.
      a.status === 'booked' ? el('button', { type: 'button', class: 'secondary', 'data-cancel': a.id,
        onclick: (event) => askThenSend(event.currentTarget, t('mediator.cancelQuestion',
          { name: a.citizen?.name ?? t('appointment.erased'), when: formatWhen(a.start, a.timeZone) }), () => cancel(a),
        { yes: t('manage.cancelYes'), no: t('manage.cancelNo') }) },
      t('manage.cancel'), el('span', { class: 'sr-only' }, ` ${a.citizen?.name ?? ''}`)) : null,
      // Her paper again, at the time and with the link of now (moved by her administration, a link renewed).
      a.status === 'booked' ? el('button', { type: 'button', class: 'secondary', 'data-reprint': a.id,
        onclick: (event) => whileSending(event.currentTarget, () => reprint(a)) },
      t('mediator.reprint'), el('span', { class: 'sr-only' }, ` ${a.citizen?.name ?? ''}`)) : null) : null,
    refusals.has(a.id) ? el('p', { class: 'error join-refused', id: `join-refused-${a.id}`, role: 'alert', tabindex: '-1' },
      refusals.get(a.id)) : null))
    : [el('p', { class: 'muted' }, t('mediator.none'))]));
  if (focused) {
    document.getElementById(focused)?.focus();
  }
}

async function cancel(a) {
  try {
    const after = await request(`/api/visio/appointments/${a.id}/cancel`, { method: 'POST' });
    appointments.set(after.id, after);
    refusals.delete(a.id);
    render();
    announce(t('mediator.cancelled', { name: a.citizen?.name ?? t('appointment.erased') }));
  } catch (e) {
    refusals.set(a.id, plainMessage(e));
    render();
    document.getElementById(`join-refused-${a.id}`)?.focus();
  }
}

const reprintBox = document.getElementById('reprint');

// Printing (the button or the browser's own Ctrl+P) while a reprint is shown: that sheet alone, the booking's own
// confirmation may be on the page too.
window.addEventListener('beforeprint', () => document.body.classList.toggle('printing-one', !reprintBox.hidden));
window.addEventListener('afterprint', () => document.body.classList.remove('printing-one'));
/** The last reprint asked for: an earlier one answered later never takes its place (another person's link). */
let reprintAsked = 0;

/**
 * Her convocation again, as it stands now (the server's, with its links of now), shown under the list with "Imprimer":
 * he checks it, prints it and hands it to her. A refusal is said on her card.
 */
async function reprint(a) {
  const asked = ++reprintAsked;
  try {
    const [booked, service] = await Promise.all([request(`/api/visio/appointments/${a.id}/convocation`),
      request(`/api/visio/services/${a.serviceId}`, { anonymous: true })]);
    if (asked !== reprintAsked) {
      return;
    }
    refusals.delete(a.id);
    render();
    const name = booked.citizen?.name ?? t('appointment.erased');
    const sheet = convocationSheet(booked, { service, fromHome: t('booking.fromHomeOther'), heading: 'h4', ids: false, who: name });
    sheet.classList.add('printing');
    const title = el('h3', { tabindex: '-1' }, t('mediator.reprintTitle', { name }));
    reprintBox.replaceChildren(title, sheet, el('div', { class: 'actions' },
      el('button', { type: 'button', id: 'reprint-print', onclick: () => window.print() }, t('booking.print')),
      el('button', { type: 'button', class: 'secondary', onclick: () => {
        reprintBox.hidden = true;
        reprintBox.replaceChildren();
        document.querySelector(`button[data-reprint="${a.id}"]`)?.focus();
      } }, t('mediator.reprintClose'))));
    reprintBox.hidden = false;
    title.focus();
  } catch (e) {
    if (asked !== reprintAsked) {
      return;
    }
    refusals.set(a.id, plainMessage(e));
    render();
    document.getElementById(`join-refused-${a.id}`)?.focus();
  }
}

/** Joining beside the person; refused (the room not open yet, a lost connection), it is said on her card, seen. */
async function join(a) {
  try {
    const info = await request(`/api/visio/appointments/${a.id}/join`);
    refusals.delete(a.id);
    render();
    // Beside the person, the mediator is her side of the call: the agent sees her waiting, gone, or her video failed.
    const presence = (state, options = {}) => request(`/api/visio/appointments/${a.id}/presence`,
      { method: 'POST', body: { state }, ...options });
    // Her "waiting" said again until the server has it, while they are in the room: lost once, the agent saw her absent.
    let inRoom = false;
    await openCall(callBox, info, {
      onJoined: () => {
        inRoom = true;
        untilHeard(() => presence('waiting'), () => inRoom).catch(() => {});
      },
      onLeft: () => {
        inRoom = false;
        presence('left', { keepalive: true }).catch(() => {});
      },
      onFailed: () => {
        inRoom = false;
        presence('failed', { keepalive: true }).catch(() => {});
      },
    });
  } catch (e) {
    // Before the room opens, the day and time in words, as elsewhere ("jeudi 3 décembre à 10 h 50").
    const early = e?.status === 409 && a.joinOpensAt && serverNow() < new Date(a.joinOpensAt).getTime();
    refusals.set(a.id, early ? t('agent.roomOpensAt', { when: formatWhen(a.joinOpensAt, a.timeZone) }) : plainMessage(e));
    render();
    document.getElementById(`join-refused-${a.id}`)?.focus();
  }
}

// Each step a history entry, as for the citizen: Back goes one step back and stays on this page. Its first step,
// loaded after the list, leaves the focus where the mediator already is (a refusal on a card, a button).
new BookingWizard(document.getElementById('wizard'), {
  asMediator: true,
  history: true,
  homeOrganisationId: me.organisationId,
  onBooked: (booked) => {
    appointments.set(booked.id, booked);
    render();
  },
}).start({ focus: false });

appointments.follow({ token, onChange: render });
// The screens of the point his organisation runs, if it runs one.
mountScreens(document.getElementById('screens-body'))
  .then((shown) => { document.getElementById('screens').hidden = !shown; }).catch(() => {});
