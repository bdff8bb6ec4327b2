import { request } from './api.js';
import { t } from './i18n.js';
import { connect } from './realtime.js';
import { Items, card, endCallIfRequeued, joinTeleconsultation, setSpecialties } from './teleconsult-view.js';
import { FieldErrors, plainMessage } from './form-errors.js';
import { announce, el, requireRole, setUpPage, showConnection, showOutcome, whileSending } from './ui.js';

await setUpPage();
const me = await requireRole('nurse');
const items = new Items();
const list = document.getElementById('items');
const form = document.getElementById('request');
const formError = document.getElementById('request-error');
const callBox = document.getElementById('call');
let socket = null;

const specialties = await request('/api/specialties', { anonymous: true });
setSpecialties(specialties);
const select = document.getElementById('specialty');
select.append(el('option', { value: 'any' }, t('nurse.anySpecialty')));
specialties.forEach((s) => select.append(el('option', { value: s.code }, s.label)));

function render() {
  const shown = items.all().filter((i) => i.status !== 'cancelled');
  list.replaceChildren(...(shown.length ? shown.map((item) => card(item, actionsFor(item)))
    : [el('p', { class: 'muted' }, t('nurse.none'))]));
}

function actionsFor(item) {
  const actions = [];
  if (item.status === 'queued') {
    actions.push(el('button', { type: 'button', class: 'secondary',
      onclick: (event) => whileSending(event.currentTarget, () => cancel(item)) }, t('nurse.cancel')));
  }
  if (item.status === 'assigned' || item.status === 'in_call') {
    actions.push(el('button', { type: 'button', onclick: () => join(item) }, t('call.join')));
  }
  return actions;
}

/** Said above the requests (the cancelled card leaves the list), and focused. */
function said(text, failed = false) {
  showOutcome(document.getElementById('nurse-outcome'), text, failed);
}

async function cancel(item) {
  try {
    items.merge(await request(`/api/teleconsultations/${item.id}/cancel`, { method: 'POST' }));
    render();
    said(t('nurse.cancelledRef', { ref: item.patient?.reference || '' }));
  } catch (e) {
    said(plainMessage(e), true);
  }
}

function join(item) {
  return joinTeleconsultation(item, callBox, socket);
}

async function refresh() {
  items.reset(await request('/api/teleconsultations'));
  render();
}

const errors = new FieldErrors(form, formError, { 'patient.reference': ['reference', 'nurse.referenceRefused'],
  'patient.initials': ['initials', 'nurse.initialsRefused'], 'patient.birthYear': ['birthYear', 'nurse.birthYearRefused'],
  reason: ['reason', 'nurse.reasonMissing'], 'consent.given': ['consent', 'nurse.consentMissing'],
  specialty: ['specialty', 'nurse.specialtyRefused'] });
const submit = form.querySelector('button[type=submit]');

// Marked urgent: the reminder that a vital emergency is the 15's, before anything else.
const reminder = document.getElementById('call-15');
const showReminder = () => { reminder.hidden = form.querySelector('input[name=urgency]:checked')?.value !== 'urgent'; };
form.querySelectorAll('input[name=urgency]').forEach((radio) => radio.addEventListener('change', showReminder));
form.addEventListener('reset', () => setTimeout(showReminder));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  whileSending(submit, send);
});

async function send() {
  errors.clear();
  const birthYear = document.getElementById('birthYear').value.trim();
  const initials = document.getElementById('initials').value.trim();
  const body = {
    patient: { reference: document.getElementById('reference').value.trim() },
    reason: document.getElementById('reason').value.trim(),
    specialty: select.value,
    urgency: form.querySelector('input[name=urgency]:checked').value,
    consent: { given: true, by: document.getElementById('consentBy').value },
  };
  if (initials) {
    body.patient.initials = initials;
  }
  if (birthYear) {
    body.patient.birthYear = Number(birthYear);
  }
  const wrong = {};
  if (!body.patient.reference) {
    wrong.reference = t('nurse.referenceMissing');
  }
  if (initials && !/^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ .'-]{0,11}$/.test(initials)) {
    wrong.initials = t('nurse.initialsRefused');
  }
  if (birthYear && !/^(19|20)[0-9]{2}$/.test(birthYear)) {
    wrong.birthYear = t('nurse.birthYearRefused');
  }
  if (!body.reason) {
    wrong.reason = t('nurse.reasonMissing');
  }
  if (!document.getElementById('consent').checked) {
    wrong.consent = t('nurse.consentMissing');
  }
  if (errors.show(wrong)) {
    return;
  }
  try {
    const created = await request('/api/teleconsultations', { method: 'POST', body });
    items.merge(created);
    render();
    form.reset();
    announce(t('nurse.sent', { n: created.position ?? '?' }));
  } catch (e) {
    errors.fromRequest(e);
  }
}

socket = connect({
  token: (options) => import('./api.js').then((api) => api.token(options)),
  onStatus: showConnection,
  onSnapshot: (snapshot) => {
    items.reset(snapshot.teleconsultations || []);
    render();
  },
  onEvent: (event) => {
    if (event.kind.startsWith('teleconsultation.')) {
      const { before, after } = items.merge(event.data);
      endCallIfRequeued(after);
      if (before && before.status !== after.status && after.status === 'completed') {
        // Seen, not only heard: a banner above the requests until she dismisses it.
        const banner = document.getElementById('report-banner');
        const dismiss = el('button', { type: 'button', class: 'secondary' }, t('nurse.dismiss'));
        dismiss.addEventListener('click', () => { banner.hidden = true; });
        banner.replaceChildren(el('p', {}, el('strong', {}, t('nurse.reportReceived', { ref: after.patient?.reference || '' })),
          ' ', t('nurse.reportBelow')), dismiss);
        banner.hidden = false;
      }
      if (before && before.status !== after.status) {
        announce(t(`nurse.changed.${after.status}`, { ref: after.patient?.reference || '', name: after.doctorName || '' }));
      } else if (event.kind === 'teleconsultation.escalated') {
        announce(t('nurse.escalated', { ref: after.patient?.reference || '' }));
      }
      render();
    } else if (event.kind === 'presence.changed') {
      refresh();
    }
  },
});
document.getElementById('who').textContent = me.displayName;
