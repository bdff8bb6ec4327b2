import { request, token } from './api.js';
import { BookingWizard } from './booking.js';
import { openCall } from './call.js';
import { formatDateTime, t } from './i18n.js';
import { connect } from './realtime.js';
import { announce, el, requireRole, setUpPage, showConnection } from './ui.js';

await setUpPage();
const me = await requireRole('mediator');
const listBox = document.getElementById('appointments');
const callBox = document.getElementById('call');
let appointments = new Map();

function render() {
  const list = [...appointments.values()].sort((a, b) => a.start.localeCompare(b.start));
  listBox.replaceChildren(...(list.length ? list.map((a) => el('article', { class: 'card' },
    el('h3', {}, `${formatDateTime(a.start)} — ${a.citizen?.name ?? t('appointment.erased')}`),
    el('p', {}, `${a.serviceName} · ${a.administration} · ${a.reference}`),
    el('p', {}, el('span', { class: 'tag ok' }, t(`appointment.${a.status}`)), a.pointName || ''),
    (a.status === 'booked' || a.status === 'in_call') ? el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => join(a) }, t('mediator.joinBeside'))) : null))
    : [el('p', { class: 'muted' }, t('mediator.none'))]));
}

async function join(a) {
  try {
    await openCall(callBox, await request(`/api/visio/appointments/${a.id}/join`));
  } catch (e) {
    announce(e.message);
  }
}

new BookingWizard(document.getElementById('wizard'), {
  asMediator: true,
  homeOrganisationId: me.organisationId,
  onBooked: (booked) => {
    appointments.set(booked.id, booked);
    render();
  },
}).start();

connect({
  token,
  onStatus: showConnection,
  onSnapshot: (snapshot) => {
    appointments = new Map((snapshot.appointments || []).map((a) => [a.id, a]));
    render();
  },
  onEvent: (event) => {
    if (event.kind.startsWith('appointment.')) {
      appointments.set(event.data.id, { ...(appointments.get(event.data.id) || {}), ...event.data });
      render();
    }
  },
});
