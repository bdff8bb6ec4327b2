import { request } from './api.js';
import { BookingWizard, downloadCalendar } from './booking.js';
import { openCall } from './call.js';
import { deviceCheck } from './device-check.js';
import { formatDateTime, formatWhen, t } from './i18n.js';
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
  new BookingWizard(wizardBox, { history: true }).start();
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
  const waiting = el('p', { class: 'notice', id: 'waiting', role: 'status', hidden: true });
  const details = el('div', {});
  // Kept across renders: re-rendering must not cut a running camera preview.
  const devices = deviceCheck();
  manageBox.replaceChildren(details, devices.node);
  let inCall = false;
  let openingTimer = null;

  const render = () => {
    const a = appointment;
    const open = a.status === 'booked' || a.status === 'in_call';
    const now = Date.now();
    const opensAt = new Date(a.joinOpensAt).getTime();
    const over = now > new Date(a.end).getTime();
    const canJoin = open && now >= opensAt && !over;
    const notYet = open && now < opensAt;
    details.replaceChildren(...[
      el('p', { class: 'notice' }, t('booking.reference'), ' ', el('strong', {}, a.reference)),
      el('dl', {},
        el('dt', {}, t('manage.service')), el('dd', {}, `${a.serviceName} — ${a.administration}`),
        el('dt', {}, t('manage.when')), el('dd', {}, formatWhen(a.start)),
        el('dt', {}, t('manage.where')), el('dd', {}, a.pointName ? `${a.pointName}, ${a.pointCommune}` : t('booking.fromHome')),
        el('dt', {}, t('manage.status')), el('dd', {}, t(`appointment.${a.status}`))),
      waiting, error,
      open ? el('div', { class: 'actions' },
        canJoin ? el('button', { type: 'button', id: 'join', onclick: join }, t('manage.join'))
          : el('button', { type: 'button', id: 'join', disabled: true, 'aria-describedby': 'opens-at' }, t('manage.join')),
        a.status === 'booked' ? el('button', { type: 'button', class: 'secondary', onclick: change }, t('manage.change')) : null,
        a.status === 'booked' ? el('button', { type: 'button', class: 'danger', onclick: cancel }, t('manage.cancel')) : null,
        el('button', { type: 'button', class: 'secondary', onclick: () => downloadCalendar(a.id, token) }, t('booking.addToCalendar')))
        : null,
      notYet ? el('p', { id: 'opens-at', class: 'notice' }, t('manage.opensAt', { when: formatWhen(a.joinOpensAt) })) : null,
      open && over ? el('p', { id: 'opens-at' }, t('manage.over')) : null].filter(Boolean));
    devices.node.hidden = !open || over || inCall;
    scheduleOpening(notYet ? opensAt - now : null);
  };

  // The button appears at the opening time without a reload: a timer (checked again at least
  // every minute, since a phone asleep delays timers), and again when the tab comes back.
  function scheduleOpening(delay) {
    clearTimeout(openingTimer);
    if (delay != null) {
      openingTimer = setTimeout(render, Math.min(Math.max(delay, 0) + 50, 60000));
    }
  }
  document.addEventListener('visibilitychange', () => { if (!document.hidden) { render(); } });
  window.addEventListener('focus', render);

  async function join() {
    error.hidden = true;
    try {
      const info = await request(`/api/visio/appointments/${id}/join`, { manageToken: token, anonymous: true });
      const presence = (state, options = {}) => request(`/api/visio/appointments/${id}/presence`, { method: 'POST',
        manageToken: token, anonymous: true, body: { state }, ...options });
      devices.stop();
      inCall = true;
      devices.node.hidden = true;
      await openCall(callBox, info, {
        // "En salle d'attente" only once Jitsi says she is really in the room.
        onJoined: async () => {
          appointment = await presence('waiting');
          waiting.textContent = appointment.agentJoined ? t('manage.agentHere') : t('manage.waiting');
          waiting.hidden = false;
        },
        onLeft: () => {
          waiting.hidden = true;
          presence('left', { keepalive: true }).catch(() => {});
        },
        fallback: () => el('p', {}, appointment.citizen?.phone
          ? t('call.citizenByPhone', { phone: appointment.citizen.phone.replace(/ /g, '\u00A0') }) : t('call.citizenCallService')),
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
        render();
      }
    },
  });
}
