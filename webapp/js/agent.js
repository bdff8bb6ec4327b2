import { request, token } from './api.js';
import { openCall, phoneLink } from './call.js';
import { formatDay, formatTime, t } from './i18n.js';
import { availabilityEditor } from './availability.js';
import { connect } from './realtime.js';
import { announce, el, requireRole, setUpPage, showConnection, showError, showOutcome, whileSending } from './ui.js';
import { FieldErrors, plainMessage } from './form-errors.js';

await setUpPage();
const me = await requireRole('agent');
const listBox = document.getElementById('appointments');
const callBox = document.getElementById('call');
const dayInput = document.getElementById('day');
const error = document.getElementById('agent-error');
let appointments = new Map();
// Kept across live re-renders: the outcome asked for and not yet confirmed, and the last outcome of each card.
const confirming = new Map();
const outcomes = new Map();
let focusOutcome = null;
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
dayInput.value = today();

/** The title follows the day shown: "Mes rendez-vous du jour", or "… du jeudi 3 décembre". */
function showDay() {
  const title = dayInput.value === today() ? t('agent.title') : t('agent.titleOf', { day: formatDay(dayInput.value) });
  document.getElementById('agent-title').textContent = title;
  document.title = `${title} — Cantou`;
}

function moveDay(days) {
  const day = new Date(`${dayInput.value || today()}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  dayInput.value = days === 0 ? today() : day.toISOString().slice(0, 10);
  dayInput.dispatchEvent(new Event('change'));
}
// Disabled in the page until here: a press before the script arrived would otherwise do nothing.
for (const [id, days] of [['previous-day', -1], ['next-day', 1], ['today', 0]]) {
  const button = document.getElementById(id);
  button.addEventListener('click', () => moveDay(days));
  button.disabled = false;
}

function situation(a) {
  const now = Date.now();
  if (a.status === 'booked' && a.citizenWaiting) {
    return { key: 'agent.waiting', tag: 'warn' };
  }
  if (a.status === 'booked' && now > new Date(a.start).getTime()) {
    return { key: 'agent.late', tag: 'urgent' };
  }
  return { key: `appointment.${a.status}`, tag: 'ok' };
}

function render() {
  // A live re-render keeps the focus where it was: on a card's question or outcome line.
  const active = document.activeElement;
  if (!focusOutcome && active?.matches?.('.confirm-box, .outcome')) {
    focusOutcome = active.closest('[data-id]')?.dataset.id || null;
  }
  const day = dayInput.value;
  const list = [...appointments.values()].filter((a) => a.start.slice(0, 10) === day)
    .sort((a, b) => a.start.localeCompare(b.start));
  listBox.replaceChildren(...(list.length ? list.map((a) => {
    const s = situation(a);
    const open = a.status === 'booked' || a.status === 'in_call';
    return el('article', { class: 'card', 'data-id': a.id },
      el('h3', {}, `${formatTime(a.start)} — ${a.citizen.name ?? t('appointment.erased')}`),
      el('p', {}, el('span', { class: `tag ${s.tag}` }, t(s.key)), `${a.serviceName} · ${a.reference}`),
      el('p', { class: 'muted' }, [a.pointName ? `${a.pointName}, ${a.pointCommune}` : t('booking.fromHome'),
        a.bookedBy ? t('agent.bookedBy', { name: a.bookedBy.displayName }) : null, a.agentName].filter(Boolean).join(' · ')),
      contact(a),
      a.accessibility?.length ? el('p', {}, t('booking.needs'), ' : ', a.accessibility.map((n) => t(`needs.${n}`)).join(', ')) : null,
      a.note ? el('p', {}, a.note) : null,
      open && !confirming.has(a.id) ? el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => join(a) }, t('agent.join')),
        el('button', { type: 'button', class: 'secondary', onclick: () => ask(a, 'complete') }, t('agent.done')),
        a.status === 'booked' ? el('button', { type: 'button', class: 'secondary', onclick: () => ask(a, 'no-show') },
          t('agent.noShow')) : null) : null,
      open && confirming.has(a.id) ? confirmation(a, confirming.get(a.id)) : null,
      outcomes.has(a.id) ? outcomeLine(a.id) : null);
  }) : [el('p', { class: 'muted' }, t('agent.none'))]));
  if (focusOutcome) {
    listBox.querySelector(`[data-id="${focusOutcome}"] .confirm-box, [data-id="${focusOutcome}"] .outcome`)?.focus();
    focusOutcome = null;
  }
}

/** The outcome is asked first, next to the card: "Marquer … comme terminé ?" (no undo on the server). */
function ask(a, action) {
  confirming.set(a.id, action);
  outcomes.delete(a.id);
  focusOutcome = a.id;
  render();
}

function confirmation(a, action) {
  const question = t(action === 'complete' ? 'agent.confirmDone' : 'agent.confirmNoShow',
    { time: formatTime(a.start), name: a.citizen.name });
  return el('div', { class: 'confirm-box alert-info', role: 'group', tabindex: '-1', 'aria-label': question },
    el('p', {}, question),
    el('p', { class: 'hint' }, t('agent.finalHint')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: action === 'complete' ? null : 'danger',
        onclick: (event) => whileSending(event.currentTarget, () => finish(a, action)) },
      t(action === 'complete' ? 'agent.confirmDoneButton' : 'agent.confirmNoShowButton')),
      el('button', { type: 'button', class: 'secondary', onclick: () => { confirming.delete(a.id); focusOutcome = a.id; render(); } },
        t('agent.keep'))));
}

function outcomeLine(id) {
  const { text, failed } = outcomes.get(id);
  return el('p', { class: failed ? 'outcome error' : 'outcome ok-line', tabindex: '-1' }, text);
}

/** How to reach the citizen when the video fails: her phone dials from the card. */
function contact(a) {
  const phone = a.citizen?.phone;
  const email = a.citizen?.email;
  if (!phone && !email) {
    return null;
  }
  return el('p', { class: 'contact' }, phone ? [t('agent.phone'), ' ', phoneLink(phone)] : null,
    phone && email ? ' · ' : null, email ? [t('agent.email'), ' ', email] : null);
}

async function load() {
  try {
    const list = await request(`/api/visio/appointments?date=${dayInput.value}`);
    list.forEach((a) => appointments.set(a.id, a));
    render();
  } catch (e) {
    showError(error, e);
  }
}

async function join(a) {
  try {
    const info = await request(`/api/visio/appointments/${a.id}/join`);
    await openCall(callBox, info, {
      fallback: () => el('p', {}, a.citizen?.phone ? [t('call.callCitizen'), ' ', phoneLink(a.citizen.phone)]
        : t('call.noCitizenPhone')),
      onJoined: () => request(`/api/visio/appointments/${a.id}/presence`, { method: 'POST', body: { state: 'joined' } })
        .then((after) => { appointments.set(after.id, after); render(); }),
    });
  } catch (e) {
    showError(error, e);
  }
}

async function finish(a, action) {
  try {
    const after = await request(`/api/visio/appointments/${a.id}/${action}`, { method: 'POST' });
    appointments.set(after.id, after);
    confirming.delete(a.id);
    outcomes.set(a.id, { text: t(after.status === 'no_show' ? 'agent.markedNoShow' : 'agent.markedDone',
      { time: formatTime(a.start), name: a.citizen.name }) });
  } catch (e) {
    confirming.delete(a.id);
    outcomes.set(a.id, { text: plainMessage(e), failed: true });
  }
  focusOutcome = a.id;
  render();
  announce(outcomes.get(a.id).text);
}

dayInput.addEventListener('change', () => {
  showDay();
  load();
});
setInterval(render, 60000);

async function loadAvailability() {
  const box = document.getElementById('availability');
  try {
    const services = (await request('/api/visio/services')).filter((s) => s.organisationId === me.organisationId);
    await availabilityEditor(box, me.id, services);
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

const leaveForm = document.getElementById('exception');
// Refusals under the field they concern (the server names start, end or reason).
const leaveErrors = new FieldErrors(leaveForm, document.getElementById('ex-error'), { start: ['ex-start', 'agent.startRefused'],
  end: ['ex-end', 'agent.endRefused'], reason: ['ex-reason', 'agent.reasonRefused'] });
leaveForm.addEventListener('submit', (event) => {
  event.preventDefault();
  whileSending(leaveForm.querySelector('button[type=submit]'), () => saveLeave(event));
});
// Disabled in the page until here, like the day buttons: a press before the script arrived would do nothing.
leaveForm.querySelector('button[type=submit]').disabled = false;

/** The leave saved: said under the form, not only heard. */
function saidBelow(text) {
  showOutcome(document.getElementById('ex-outcome'), text);
}

async function saveLeave(event) {
  leaveErrors.clear();
  document.getElementById('ex-outcome').hidden = true;
  const start = document.getElementById('ex-start').value;
  const end = document.getElementById('ex-end').value;
  const wrong = {};
  if (!start) {
    wrong['ex-start'] = t('agent.startMissing');
  }
  if (!end) {
    wrong['ex-end'] = t('agent.endMissing');
  } else if (start && end <= start) {
    wrong['ex-end'] = t('agent.endRefused');
  }
  if (leaveErrors.show(wrong)) {
    return;
  }
  const body = { start: new Date(start).toISOString(), end: new Date(end).toISOString(),
    reason: document.getElementById('ex-reason').value.trim() };
  const wholeAdministration = document.getElementById('ex-all').checked;
  try {
    if (wholeAdministration) {
      const closure = await request(`/api/visio/organisations/${me.organisationId}/closures`, { method: 'POST', body });
      saidBelow(t('agent.closureSaved', { count: closure.agents }));
    } else {
      await request(`/api/visio/agents/${me.id}/exceptions`, { method: 'POST', body });
      saidBelow(t('agent.saved'));
    }
    event.target.reset();
    loadAvailability();
  } catch (e) {
    leaveErrors.fromRequest(e);
  }
}

connect({
  token,
  onStatus: showConnection,
  onSnapshot: (snapshot) => {
    appointments = new Map((snapshot.appointments || []).map((a) => [a.id, a]));
    load();
  },
  onEvent: (event) => {
    if (!event.kind.startsWith('appointment.')) {
      return;
    }
    appointments.set(event.data.id, { ...(appointments.get(event.data.id) || {}), ...event.data });
    render();
    if (event.kind === 'appointment.booked') {
      announce(t('agent.newBooking', { time: formatTime(event.data.start), name: event.data.citizen.name }));
    } else if (event.kind === 'appointment.waiting' && event.data.citizenWaiting) {
      announce(t('agent.citizenWaiting', { name: event.data.citizen.name }));
    } else if (event.kind === 'appointment.cancelled') {
      announce(t('agent.cancelled', { name: event.data.citizen.name }));
    }
  },
});
loadAvailability();
