import { request } from './api.js';
import { BookingWizard, downloadCalendar } from './booking.js';
import { openCall } from './call.js';
import { formatDateTime, formatTime, t } from './i18n.js';
import { connect } from './realtime.js';
import { announce, el, setUpPage, showConnection, showError } from './ui.js';

await setUpPage();
const wizardBox = document.getElementById('wizard');
const manageBox = document.getElementById('manage');
const callBox = document.getElementById('call');

// The manage link carries its token after '#': it never reaches the server or its logs.
const manageToken = decodeURIComponent(location.hash.slice(1));
if (manageToken.includes('.')) {
  showManage(manageToken);
} else {
  new BookingWizard(wizardBox).start();
}
window.addEventListener('hashchange', () => location.reload());

async function showManage(token) {
  const id = token.split('.')[0];
  document.getElementById('page-title').textContent = t('manage.title');
  wizardBox.hidden = true;
  manageBox.hidden = false;
  let appointment;
  try {
    appointment = await request(`/api/visio/appointments/${id}`, { manageToken: token, anonymous: true });
  } catch (e) {
    manageBox.replaceChildren(el('p', { class: 'error', role: 'alert' }, t('manage.notFound')));
    return;
  }
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const waiting = el('p', { class: 'notice', role: 'status', hidden: true });
  const render = () => {
    const a = appointment;
    const open = a.status === 'booked' || a.status === 'in_call';
    const opensAt = new Date(a.joinOpensAt);
    const canJoin = open && Date.now() >= opensAt.getTime() && Date.now() <= new Date(a.end).getTime();
    manageBox.replaceChildren(
      el('p', { class: 'notice' }, t('booking.reference'), ' ', el('strong', {}, a.reference)),
      el('dl', {},
        el('dt', {}, t('manage.service')), el('dd', {}, `${a.serviceName} — ${a.administration}`),
        el('dt', {}, t('manage.when')), el('dd', {}, formatDateTime(a.start)),
        el('dt', {}, t('manage.where')), el('dd', {}, a.pointName ? `${a.pointName}, ${a.pointCommune}` : t('booking.fromHome')),
        el('dt', {}, t('manage.status')), el('dd', {}, t(`appointment.${a.status}`))),
      waiting, error,
      open ? el('div', { class: 'actions' },
        canJoin ? el('button', { type: 'button', id: 'join', onclick: join }, t('manage.join'))
          : el('p', {}, t('manage.opensAt', { time: formatTime(a.joinOpensAt) })),
        a.status === 'booked' ? el('button', { type: 'button', class: 'secondary', onclick: change }, t('manage.change')) : null,
        a.status === 'booked' ? el('button', { type: 'button', class: 'danger', onclick: cancel }, t('manage.cancel')) : null,
        el('button', { type: 'button', class: 'secondary', onclick: () => downloadCalendar(a.id, token) }, t('booking.addToCalendar')))
        : null);
  };

  async function join() {
    error.hidden = true;
    try {
      const info = await request(`/api/visio/appointments/${id}/join`, { manageToken: token, anonymous: true });
      appointment = await request(`/api/visio/appointments/${id}/presence`, { method: 'POST', manageToken: token,
        anonymous: true, body: { state: 'waiting' } });
      waiting.textContent = appointment.agentJoined ? t('manage.agentHere') : t('manage.waiting');
      waiting.hidden = false;
      await openCall(callBox, info, {
        onLeft: () => request(`/api/visio/appointments/${id}/presence`, { method: 'POST', manageToken: token,
          anonymous: true, body: { state: 'left' } }).catch(() => {}),
      });
    } catch (e) {
      showError(error, e);
    }
  }

  async function cancel() {
    if (!window.confirm(t('manage.confirmCancel'))) {
      return;
    }
    try {
      appointment = await request(`/api/visio/appointments/${id}/cancel`, { method: 'POST', manageToken: token, anonymous: true });
      render();
      announce(t('manage.cancelled'));
    } catch (e) {
      showError(error, e);
    }
  }

  async function change() {
    const wizard = new BookingWizard(wizardBox);
    wizard.services = await request('/api/visio/services', { anonymous: true });
    wizard.choice.service = wizard.services.find((s) => s.id === appointment.serviceId);
    wizard.choice.point = appointment.pointId ? { id: appointment.pointId, name: appointment.pointName } : null;
    wizardBox.hidden = false;
    manageBox.hidden = true;
    await wizard.showSlots(0, async (slot) => {
      try {
        appointment = await request(`/api/visio/appointments/${id}/reschedule`, { method: 'POST', manageToken: token,
          anonymous: true, body: { start: slot.start } });
        wizardBox.hidden = true;
        manageBox.hidden = false;
        render();
        announce(t('manage.changed', { when: formatDateTime(appointment.start) }));
      } catch (e) {
        announce(e.message);
      }
    });
  }

  render();
  connect({
    token,
    onStatus: showConnection,
    onEvent: (event) => {
      if (event.kind.startsWith('appointment.') && event.data.id === id) {
        appointment = { ...appointment, ...event.data };
        if (event.kind === 'appointment.in_call') {
          waiting.textContent = t('manage.agentHere');
          announce(t('manage.agentHere'));
        }
        if (callBox.hidden) {
          render();
        }
      }
    },
  });
}
