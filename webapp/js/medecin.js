import { request, token } from './api.js';
import { dayOf, t } from './i18n.js';
import { connect } from './realtime.js';
import { prepareCall } from './call.js';
import { Items, card, endCallIfRoomGone, joinTeleconsultation, leaveCall, setSpecialties, specialtyLabel } from './teleconsult-view.js';
import { inviteButton, mayInvite } from './guests.js';
import { announce, askBeforeLanguageSwitch, beep, el, readToStart, requireRole, setUpPage, showConnection, showError, showOutcome, whileSending } from './ui.js';
import { plainMessage } from './form-errors.js';
import { keepingFocus } from './exchange.js';
import { fileWords } from './care-files.js';

await setUpPage();
const me = await requireRole('doctor');
setSpecialties(await readToStart(() => request('/api/specialties', { anonymous: true })));
const items = new Items();
const queueBox = document.getElementById('queue');
const current = document.getElementById('current');
const currentItem = document.getElementById('current-item');
/** By request of hers, what the nurse withdrew from it meanwhile, as said: written above it while it is hers. */
const withdrawnNotes = new Map();
const callBox = document.getElementById('call');
const alerts = document.getElementById('alerts');
const queueError = document.getElementById('queue-error');
const baseTitle = document.title;
let unseen = 0;
let socket = null;

alerts.checked = localStorage.getItem('cantou.alerts') !== 'off';
alerts.addEventListener('change', () => {
  localStorage.setItem('cantou.alerts', alerts.checked ? 'on' : 'off');
  resetBadge();
});
document.addEventListener('visibilitychange', () => { if (!document.hidden) { resetBadge(); } });

function resetBadge() {
  unseen = 0;
  document.title = baseTitle;
}

function mine(item) {
  return item.doctorId === me.id && (item.status === 'assigned' || item.status === 'in_call');
}

/** Her reports of today sent before this page opened (GET /api/teleconsultations?status=completed), newest first. */
let sentEarlier = [];

async function loadSentEarlier() {
  try {
    const today = dayOf(Date.now());
    sentEarlier = (await request('/api/teleconsultations?status=completed'))
      .filter((i) => i.doctorId === me.id && i.completedAt && dayOf(i.completedAt) === today)
      .sort((a, b) => b.completedAt.localeCompare(a.completedAt));
    render();
  } catch (e) {
    // The list of today's reports is a help, not her work: the live list goes on without it.
  }
}

/**
 * The report's draft belongs to one request: kept while that request is away (given back, it may come back to her),
 * never shown on another one's form — a draft about one resident sent as another's report.
 */
const reportDrafts = {
  for: null,
  kept: new Map(),
  showFor(id) {
    if (id === this.for) {
      return;
    }
    const text = document.getElementById('report-text');
    const outcome = document.getElementById('outcome');
    if (this.for && text.value.trim()) {
      this.kept.set(this.for, { text: text.value, outcome: outcome.value });
    }
    const draft = this.kept.get(id);
    this.kept.delete(id);
    document.getElementById('report').reset();
    text.removeAttribute('aria-invalid');
    outcome.removeAttribute('aria-invalid');
    document.getElementById('report-error').hidden = true;
    if (draft) {
      text.value = draft.text;
      outcome.value = draft.outcome;
    }
    this.for = id;
  },
};

// Her report (the one on the form, or one kept for a request given back) lives in this page only: the language switch,
// which reloads it, asks first.
askBeforeLanguageSwitch(() => (document.getElementById('report-text').value.trim() || reportDrafts.kept.size
  ? t('common.unsent.report') : null));

function render() {
  const queue = items.all().filter((i) => i.status === 'queued' && !i.plannedAt);
  queueBox.replaceChildren(...(queue.length ? queue.map((item) => card(item, [
    el('button', { type: 'button', onclick: (event) => whileSending(event.currentTarget, () => take(item)) }, t('doctor.take')),
  ])) : [el('p', { class: 'muted' }, t('doctor.empty'))]));
  // The consultations she completed today, with their report: a visible trace of what was sent (kept across a reload).
  const sentNow = items.all().filter((i) => i.status === 'completed' && i.doctorId === me.id);
  const sent = [...sentNow, ...sentEarlier.filter((e) => !sentNow.some((i) => i.id === e.id))];
  document.getElementById('sent').replaceChildren(...(sent.length ? sent.map((item) => card(item, []))
    : [el('p', { class: 'muted' }, t('doctor.noneSent'))]));
  const open = items.all().find(mine);
  current.hidden = !open;
  // One consultation at a time: "Prendre la demande suivante" waits, disabled, and says why, while one is in progress.
  const next = document.getElementById('next');
  if (next.getAttribute('aria-busy') !== 'true') {
    next.disabled = Boolean(open);
  }
  document.getElementById('next-why').hidden = !open;
  if (open) {
    next.setAttribute('aria-describedby', 'next-why');
  } else {
    next.removeAttribute('aria-describedby');
  }
  if (open) {
    if (open.kind !== 'opinion') {
      // Her consultation's call is next: its video script comes now, not after her press on "Rejoindre l'appel".
      prepareCall();
    }
    // A written opinion has no call until she decides to see the resident.
    const action = open.kind === 'opinion'
      ? el('button', { type: 'button', class: 'secondary', onclick: (event) => whileSending(event.currentTarget, () => toVideo(open)) },
        t('exchange.toVideo'))
      // "Connexion…" (busy, aria-disabled: the keyboard stays) while the room comes: a second tap joins nothing twice.
      : el('button', { type: 'button', onclick: (event) => whileSending(event.currentTarget, () => join(open), 'common.connecting') },
        t('call.join'));
    keepingFocus(() => currentItem.replaceChildren(...(withdrawnNotes.get(open.id) || []).map((text) => el('p', { class: 'notice' }, text)),
      card(open, [action, mayInvite(open) ? inviteButton(open) : null].filter(Boolean),
        { write: true, onSent: (after) => { items.merge(after); render(); } })));
    current.dataset.id = open.id;
    reportDrafts.showFor(open.id);
  } else {
    // Gone from her (given back, completed, taken over): nothing of it kept in the page, even hidden.
    withdrawnNotes.clear();
    currentItem.replaceChildren();
    delete current.dataset.id;
  }
}

async function take(item) {
  queueError.hidden = true;
  try {
    items.merge(await request(`/api/teleconsultations/${item.id}/claim`, { method: 'POST' }));
    announce(t('doctor.taken'));
    render();
    document.getElementById('current-title').focus?.();
  } catch (e) {
    showError(queueError, e);
  }
}

document.getElementById('next').addEventListener('click', (event) => whileSending(event.currentTarget, async () => {
  queueError.hidden = true;
  try {
    const taken = await request('/api/teleconsultations/next', { method: 'POST' });
    if (!taken) {
      announce(t('doctor.nothing'));
      return;
    }
    items.merge(taken);
    announce(t('doctor.taken'));
    render();
    // The button pressed is disabled now: the keyboard goes to the consultation taken.
    document.getElementById('current-title').focus();
  } catch (e) {
    showError(queueError, e);
  }
}).then(render));

function join(item) {
  // Left: back to her consultation's heading, above the report she goes on to write.
  return joinTeleconsultation(item, callBox, socket, { onClosed: () => document.getElementById('current-title') });
}

async function toVideo(item) {
  try {
    items.merge(await request(`/api/teleconsultations/${item.id}/video`, { method: 'POST' }));
    render();
    announce(t('exchange.videoOpened'));
  } catch (e) {
    showOutcome(document.getElementById('doctor-outcome'), plainMessage(e), true);
  }
}

const reportForm = document.getElementById('report');
reportForm.addEventListener('submit', (event) => {
  event.preventDefault();
  whileSending(reportForm.querySelector('button[type=submit]'), () => sendReport(event));
});
// Disabled in the page until here: pressed before the script came, the browser would send the form itself (GET).
reportForm.querySelector('button[type=submit]').disabled = false;

async function sendReport(event) {
  const error = document.getElementById('report-error');
  error.hidden = true;
  const text = document.getElementById('report-text');
  const report = text.value.trim();
  const outcome = document.getElementById('outcome');
  // An empty report, or no conclusion chosen (none is chosen for her: a transfer to the emergency ward written in the
  // text went out as "Conseils donnés"), is refused on its field: aria-invalid, described by the refusal.
  const missing = !report ? [text, 'doctor.reportMissing'] : !outcome.value ? [outcome, 'doctor.outcomeMissing'] : null;
  for (const field of [text, outcome]) {
    if (field === missing?.[0]) {
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', 'report-error');
    } else {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('aria-describedby');
    }
  }
  if (missing) {
    showError(error, new Error(t(missing[1])));
    missing[0].focus();
    return;
  }
  const id = current.dataset.id;
  try {
    const completed = await request(`/api/teleconsultations/${id}/complete`, {
      method: 'POST', body: { report, outcome: outcome.value },
    });
    items.merge(completed);
    reportSent(completed);
  } catch (e) {
    // Its answer lost after it was done: its event said it sent already, nothing to take back.
    if (saidSent !== id) {
      showError(error, e);
    }
  }
}

/** The consultation whose report was said sent: said once, by her send's answer or by its event (that answer lost). */
let saidSent = null;

function reportSent(item) {
  if (saidSent === item.id) {
    return;
  }
  saidSent = item.id;
  reportForm.reset();
  leaveCall();
  callBox.hidden = true;
  const notice = document.getElementById('sent-notice');
  notice.textContent = t('doctor.completed');
  notice.hidden = false;
  notice.focus();
  document.getElementById('doctor-outcome').hidden = true;
  render();
}

/** Given back: said where her consultation was (its section goes), and focused. */
document.getElementById('release').addEventListener('click', (event) => whileSending(event.currentTarget, async () => {
  const line = document.getElementById('doctor-outcome');
  try {
    const after = await request(`/api/teleconsultations/${current.dataset.id}/release`, { method: 'POST' });
    items.merge(after);
    render();
    showOutcome(line, t('doctor.releasedRef', { ref: after.patient?.reference || '' }));
  } catch (e) {
    showOutcome(line, plainMessage(e), true);
  }
}));

/**
 * Her presence sent while its button waits. Lost on the way, it is said not changed: she must never believe she is in
 * the rota when no request will be routed to her (nor out of it when she is).
 */
async function setPresence(status) {
  const error = document.getElementById('presence-error');
  error.hidden = true;
  try {
    const presence = await request('/api/presence', { method: 'POST', body: { status } });
    showPresence(presence.status);
  } catch (e) {
    showError(error, new Error(t('doctor.presenceNotChanged', { reason: plainMessage(e) })));
  }
}

let shownPresence = null;

/** Shows the doctor's presence; says it aloud only when it changes (the answer and the event both bring it). */
function showPresence(status) {
  document.getElementById('available').setAttribute('aria-pressed', String(status !== 'offline'));
  document.getElementById('offlineButton').setAttribute('aria-pressed', String(status === 'offline'));
  if (status !== shownPresence) {
    announce(t(`presence.${status}`));
  }
  shownPresence = status;
}

// Disabled in the page until here: a click before the script arrived would otherwise do nothing.
for (const [id, status] of [['available', 'available'], ['offlineButton', 'offline']]) {
  const button = document.getElementById(id);
  button.addEventListener('click', () => whileSending(button, () => setPresence(status)));
  button.disabled = false;
}

loadSentEarlier();
socket = connect({
  token,
  onStatus: showConnection,
  onSnapshot: (snapshot) => {
    items.reset(snapshot.teleconsultations || []);
    const mineNow = (snapshot.presence || []).find((p) => p.doctorId === me.id);
    if (mineNow) {
      showPresence(mineNow.status);
    }
    render();
  },
  onEvent: (event) => {
    // Our own presence, from any tab or node, after the snapshot: the latest word wins.
    if (event.kind === 'presence.changed' && event.data.doctorId === me.id) {
      showPresence(event.data.status);
      return;
    }
    if (!event.kind.startsWith('teleconsultation.')) {
      return;
    }
    const { before, after } = items.merge(event.data);
    endCallIfRoomGone(after);
    if (before && mine(before) && after.status === 'completed' && after.doctorId === me.id) {
      // Hers completed: by her report whose answer was lost on the way, or from another tab of hers.
      reportSent(after);
    }
    if (event.kind === 'teleconsultation.message' && mine(after) && after.messages?.at(-1)?.side === 'nurse') {
      announce(t('exchange.fromNurse', { ref: after.patient?.reference || '' }));
    }
    if (before && (after.files?.length || 0) > (before.files?.length || 0)) {
      announce(t('files.newFile', { ref: after.patient?.reference || '' }));
    }
    // A file of her consultation withdrawn by the nurse (sent into the wrong request): said and kept written above it,
    // for she may have looked at it, or be writing from it.
    const gone = (before?.files || []).filter((f) => !(after.files || []).some((g) => g.id === f.id));
    if (gone.length && mine(after)) {
      const text = t('files.withdrawnForDoctor', { what: gone.map(fileWords).join(', '), ref: after.patient?.reference || '' });
      withdrawnNotes.set(after.id, [...(withdrawnNotes.get(after.id) || []), text]);
      announce(text);
    }
    if (after.status === 'queued' && (!before || before.status !== 'queued') && !after.plannedAt) {
      announce(t('doctor.newRequest', { specialty: specialtyLabel(after.specialty) }));
      if (alerts.checked) {
        beep();
        if (document.hidden) {
          unseen += 1;
          document.title = `(${unseen}) ${baseTitle}`;
        }
      }
    }
    if (after.status !== 'queued' && !mine(after) && after.doctorId !== me.id) {
      items.byId.delete(after.id);
    }
    render();
  },
});
