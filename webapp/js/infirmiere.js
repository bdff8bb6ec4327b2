import { newIdempotencyKey, request, sendingKeysBy } from './api.js';
import { ordinal, plural, t } from './i18n.js';
import { connect } from './realtime.js';
import { prepareCall } from './call.js';
import { Items, card, endCallIfRoomGone, joinTeleconsultation, patientLine, setSpecialties } from './teleconsult-view.js';
import { FieldErrors, plainMessage } from './form-errors.js';
import { readVitalSigns, vitalSignsFieldErrors, vitalSignsInputs } from './vital-signs.js';
import { keepingFocus } from './exchange.js';
import { inviteButton, mayInvite } from './guests.js';
import { fileLimits, limitsRefusal, uploadFiles, withoutFile } from './care-files.js';
import { announce, ask, askBeforeLanguageSwitch, askThenSend, el, markBusy, readToStart, requireRole, setUpPage, showConnection, showOutcome, whileSending } from './ui.js';

await setUpPage();
const me = await requireRole('nurse');
const items = new Items();
const list = document.getElementById('items');
const form = document.getElementById('request');
const formError = document.getElementById('request-error');
const callBox = document.getElementById('call');
let socket = null;

const limits = await fileLimits();
document.getElementById('request-files-hint').textContent = t('files.hintLimits',
  { size: Math.round(limits.maxBytes / (1024 * 1024)), n: limits.perRequest });

const specialties = await readToStart(() => request('/api/specialties', { anonymous: true }));
setSpecialties(specialties);
const select = document.getElementById('specialty');
select.append(el('option', { value: 'any' }, t('nurse.anySpecialty')));
specialties.forEach((s) => select.append(el('option', { value: s.code }, s.label)));

// The request "Demande envoyée. Elle est 2e dans la file d'attente." is about: kept true while it waits (its place
// moves up), then "Demande envoyée." once a doctor took it (it said "2e dans la file" after the report had come).
let sentLineFor = null;

/** Her request's place once sent; past 100 ahead the server counts no further (positionAtLeast). */
function sentLine(item) {
  return item.positionAtLeast ? t('nurse.sentBehindMany', { n: item.position - 1 })
    : t('nurse.sent', { nth: ordinal(item.position) });
}

function keepTheSentLineTrue() {
  if (!sentLineFor) {
    return;
  }
  const item = items.all().find((i) => i.id === sentLineFor);
  const waiting = item?.status === 'queued' && item.position;
  const text = waiting ? sentLine(item) : t('nurse.sentDone');
  const line = document.getElementById('nurse-outcome');
  if (line.textContent !== text) {
    // Not focused nor announced again: her card says the same, and she may be typing the next request.
    line.textContent = text;
  }
  if (!waiting) {
    sentLineFor = null;
  }
}

/** The states in which she may withdraw a file (those of the files' buttons, {@link actionsFor}). */
const OPEN = ['queued', 'assigned', 'in_call'];

function render() {
  keepTheSentLineTrue();
  const shown = items.all().filter((i) => i.status !== 'cancelled');
  // A card's file button focused (she just added or withdrew a file): focused again in the card drawn anew.
  const active = document.activeElement;
  const onFiles = active?.dataset?.files ? `article[data-id="${active.closest('article')?.dataset.id}"] button[data-files="${active.dataset.files}"]`
    : active?.dataset?.withdraw ? `button[data-withdraw="${active.dataset.withdraw}"]` : null;
  const merged = (after) => { items.merge(after); render(); };
  keepingFocus(() => list.replaceChildren(...(shown.length ? shown.map((item) => card(item, actionsFor(item),
    { write: true, onSent: merged,
      onFileWithdrawn: OPEN.includes(item.status) ? (fileId) => merged(withoutFile(items.byId.get(item.id) || item, fileId)) : null }))
    : [el('p', { class: 'muted' }, t('nurse.none'))])));
  if (onFiles && !active.isConnected) {
    list.querySelector(onFiles)?.focus();
  }
}

function actionsFor(item) {
  const actions = [];
  if (item.status === 'queued') {
    actions.push(el('button', { type: 'button', class: 'secondary',
      // Asked first (a slip of the finger on a tablet would withdraw a resident's request), then said above the list.
      onclick: (event) => askThenSend(event.currentTarget, t('nurse.cancelQuestion', { ref: item.patient?.reference || '' }),
        () => cancel(item), { yes: t('nurse.cancelYes'), no: t('nurse.cancelNo') }) }, t('nurse.cancel')));
  }
  if ((item.status === 'assigned' || item.status === 'in_call') && item.kind !== 'opinion') {
    // Taken by a doctor: the call's video script comes now, not after her press on "Rejoindre l'appel".
    prepareCall();
    actions.push(el('button', { type: 'button', onclick: (event) => whileSending(event.currentTarget, () => join(item), 'common.connecting') },
      t('call.join')));
  }
  if (mayInvite(item)) {
    actions.push(inviteButton(item));
  }
  if (['queued', 'assigned', 'in_call'].includes(item.status)) {
    actions.push(...fileActions(item));
    actions.push(el('button', { type: 'button', class: 'secondary', 'data-vitals': item.id,
      'aria-label': t('vitals.addButton', { ref: item.patient?.reference || '' }),
      onclick: (event) => addVitalSigns(item, event.currentTarget) }, t('vitals.add')));
    actions.push(vitalsNote(item));
  }
  return actions.filter(Boolean);
}

// Photos and documents added to an open request: one picker for the page (the cards are drawn
// again at each event), the upload's state kept by request, shown in its card under its buttons.
// The cards move under her finger (an urgent request comes on top): what she chose goes only once
// she has said yes to the resident it names.
const filePicker = document.getElementById('file-picker');
const cameraPicker = document.getElementById('camera-picker');
const uploads = new Map();
let pickingFor = null;

function fileActions(item) {
  const ref = item.patient?.reference || '';
  const state = uploads.get(item.id) || {};
  const pick = (picker) => (event) => {
    pickingFor = { item, kind: event.currentTarget.dataset.files };
    picker.value = '';
    picker.click();
  };
  // While its files go, each press ignored (markBusy); not disabled: the keyboard stays on the button she pressed.
  return [
    markBusy(el('button', { type: 'button', class: 'secondary', 'data-files': 'add',
      'aria-label': t('files.addFor', { ref }), onclick: pick(filePicker) }, t('files.add')), Boolean(state.busy)),
    markBusy(el('button', { type: 'button', class: 'secondary', 'data-files': 'camera',
      'aria-label': t('files.cameraFor', { ref }), onclick: pick(cameraPicker) }, t('files.camera')), Boolean(state.busy)),
    state.text ? el('p', { class: 'muted upload-status', role: 'status' }, state.text) : null,
    state.error ? el('p', { class: 'error upload-error', role: 'alert' }, state.error) : null,
    // The service was busy (429, 503): what she chose is kept, sent again at her press (the same keys).
    state.kept ? el('button', { type: 'button', 'data-files': 'retry',
      'aria-label': t('files.retryFor', { name: state.kept[0].name, ref }), onclick: () => addFiles(item, state.kept) },
    t('files.retry')) : null,
  ].filter(Boolean);
}

async function addFiles(item, chosen) {
  if (!item || !chosen.length) {
    return;
  }
  const ref = item.patient?.reference || '';
  uploads.set(item.id, { busy: true, text: t('files.preparing') });
  render();
  try {
    const after = await uploadFiles(items.byId.get(item.id) || item, chosen, (text, fraction) => {
      uploads.set(item.id, { busy: true, text: `${text} ${Math.round(fraction * 100)} %` });
      render();
    });
    items.merge(after);
    uploads.delete(item.id);
    render();
    announce(t('files.sent', { n: chosen.length, ref }));
  } catch (e) {
    uploads.set(item.id, { error: e.message, kept: e.kept });
    render();
  }
  const card = list.querySelector(`article[data-id="${item.id}"]`);
  (card?.querySelector('button[data-files="retry"]') || card?.querySelector('button[data-files="add"]'))?.focus();
}

/** "Envoyer 2 photos dans la demande de CH-0042 · M.R. · 1938 ?": what goes, and to whom, as her card says it. */
function sendQuestion(item, chosen) {
  const photos = chosen.filter((file) => file.type.startsWith('image/')).length;
  const what = photos === chosen.length ? 'files.askPhotos' : photos === 0 ? 'files.askDocuments' : 'files.askFiles';
  return plural(what, chosen.length, { who: patientLine(items.byId.get(item.id) || item) });
}

/** The files chosen for a card, sent once she confirmed the resident; declined, nothing goes and she is back on the card. */
async function confirmThenAdd(picking, chosen) {
  if (!picking || !chosen.length) {
    return;
  }
  const { item, kind } = picking;
  const button = () => list.querySelector(`article[data-id="${item.id}"] button[data-files="${kind}"]`);
  const yes = await ask(sendQuestion(item, chosen), { yes: t('files.askYes'), no: t('files.askNo'), opener: button() });
  if (!yes) {
    // Drawn again meanwhile, the card's button is a new one: the keyboard goes back to it, not to the page's top.
    button()?.focus();
    announce(t('files.notSent'));
    return;
  }
  addFiles(item, chosen);
}

filePicker.addEventListener('change', () => confirmThenAdd(pickingFor, [...filePicker.files]));
cameraPicker.addEventListener('change', () => confirmThenAdd(pickingFor, [...cameraPicker.files]));

/** Said above the requests (the cancelled card leaves the list), and focused. */
function said(text, failed = false) {
  sentLineFor = null;
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
  // Left: back to the heading of her requests, the one she called for among them.
  return joinTeleconsultation(item, callBox, socket, { onClosed: () => document.getElementById('open-title') });
}

/** The whole list again (a doctor came or went: places and estimates moved); what events brought meanwhile stays. */
async function refresh() {
  const since = items.since();
  items.reset(await request('/api/teleconsultations'), since);
  render();
}

// Her half-typed request would go with the page the language switch reloads: she is asked first.
askBeforeLanguageSwitch(() => ([...form.querySelectorAll('input:not([type=radio]):not([type=checkbox]), textarea')]
  .some((field) => field.value.trim()) ? t('common.unsent.request') : null));

const errors = new FieldErrors(form, formError, { 'patient.reference': ['reference', 'nurse.referenceRefused'],
  'patient.initials': ['initials', 'nurse.initialsRefused'], 'patient.birthYear': ['birthYear', 'nurse.birthYearFuture'],
  reason: ['reason', 'nurse.reasonMissing'], 'consent.given': ['consent', 'nurse.consentMissing'],
  specialty: ['specialty', 'nurse.specialtyRefused'], ...vitalSignsFieldErrors('vs-') });

// Vital signs added later, in a dialog outside the list (the list is drawn again at each event:
// what she types must not go with it). Each opening of the dialog is one resident's: a set on its way
// (a slow link) stays that resident's, whatever the dialog shows when its answer comes. She may close
// the dialog meanwhile ("Annuler", Escape) and open it for another resident, whose Save is hers to press.
const dialog = document.getElementById('vitals-dialog');
const vitalsForm = document.getElementById('vitals-form');
const vitalsSave = document.getElementById('vitals-save');
document.getElementById('vitals-inputs').replaceChildren(...vitalSignsInputs('add-'));
const vitalsErrors = new FieldErrors(vitalsForm, document.getElementById('vitals-error'), vitalSignsFieldErrors('add-'));
/** The dialog's opening now shown (or last shown): { item, opener, saving }. */
let vitalsOpening = null;
/** By request: how many of its sets are on their way; the refusal of one the dialog no longer showed. */
const vitalsSending = new Map();
const vitalsRefused = new Map();
/**
 * By request, the keys of its sets: one sent again as it was (its answer lost on a weak link, "Réessayez", even from the
 * dialog opened again) goes with its key, never recorded twice in the health record.
 */
const vitalsKeys = sendingKeysBy();

function addVitalSigns(item, opener) {
  vitalsOpening = { item, opener, saving: false };
  vitalsForm.reset();
  vitalsErrors.clear();
  showSaving(false);
  if (vitalsRefused.delete(item.id)) {
    // Opened again for this resident: the refusal said on her card is acted on here.
    render();
  }
  document.getElementById('vitals-for').textContent = t('vitals.addFor', { ref: item.patient?.reference || '' });
  dialog.showModal();
  dialog.querySelector('input')?.focus();
}

/** The Save button as the opening shown leaves it: busy ("Envoi…") only while that opening's set is on its way. */
function showSaving(saving) {
  // Kept focusable while it waits (markBusy): the keyboard stays on it.
  markBusy(vitalsSave, saving);
  vitalsSave.textContent = t(saving ? 'common.sending' : 'vitals.save');
}

/** Whether the dialog still shows this opening: an answer for another one never touches it. */
function stillShown(opening) {
  return opening === vitalsOpening && dialog.open;
}

/** Under the card's buttons: a set still on its way (she may have closed the dialog), or the refusal of one. */
function vitalsNote(item) {
  const ref = item.patient?.reference || '';
  if (vitalsRefused.has(item.id)) {
    return el('p', { class: 'error vitals-note' }, t('vitals.failedFor', { ref, reason: vitalsRefused.get(item.id) }));
  }
  return vitalsSending.get(item.id) ? el('p', { class: 'muted vitals-note' }, t('vitals.sendingFor', { ref })) : null;
}

function closeVitals() {
  dialog.close();
}

// However the dialog closes (saved, "Annuler", Escape): back where she was, the card's button if the list still holds it.
dialog.addEventListener('close', () => {
  const opening = vitalsOpening;
  const again = list.querySelector(`article[data-id="${opening?.item.id}"] button[data-vitals]`);
  (again || opening?.opener)?.focus?.();
  if (opening?.saving) {
    // Closed while its set goes: it goes on, and what became of it will be said, naming the resident.
    announce(t('vitals.stillSending', { ref: opening.item.patient?.reference || '' }));
  }
});
document.getElementById('vitals-cancel').addEventListener('click', closeVitals);
vitalsForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const opening = vitalsOpening;
  if (opening && !opening.saving) {
    saveVitalSigns(opening);
  }
});

/** One opening's set, sent for its resident (captured here: the dialog may show another one when the answer comes). */
async function saveVitalSigns(opening) {
  const { item } = opening;
  const ref = item.patient?.reference || '';
  vitalsErrors.clear();
  const { body, wrong } = readVitalSigns(vitalsForm, 'add-', { required: true });
  if (wrong) {
    vitalsErrors.show(wrong);
    return;
  }
  opening.saving = true;
  showSaving(true);
  vitalsSending.set(item.id, (vitalsSending.get(item.id) || 0) + 1);
  vitalsRefused.delete(item.id);
  render();
  let after = null;
  let refused = null;
  const keys = vitalsKeys(item.id);
  const key = keys.of(body);
  try {
    after = await request(`/api/teleconsultations/${item.id}/vital-signs`, { method: 'POST', body,
      headers: { 'Idempotency-Key': key } });
    keys.answered(key);
  } catch (e) {
    refused = e;
  }
  opening.saving = false;
  const left = vitalsSending.get(item.id) - 1;
  if (left > 0) {
    vitalsSending.set(item.id, left);
  } else {
    vitalsSending.delete(item.id);
  }
  const shown = stillShown(opening);
  if (opening === vitalsOpening) {
    showSaving(false);
  }
  if (after) {
    items.merge(after);
    render();
    if (shown) {
      closeVitals();
    }
    // Heard even over the dialog she may have opened for another resident since.
    announce(t('vitals.added', { ref }));
  } else if (shown) {
    render();
    vitalsErrors.fromRequest(refused);
  } else {
    // Not under another resident's boxes: on this resident's card, and said naming her.
    const reason = plainMessage(refused);
    vitalsRefused.set(item.id, reason);
    render();
    announce(t('vitals.failedFor', { ref, reason }));
  }
}
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
// One key for the request she is filling: sent again with it (its answer lost on a weak link), it is answered with the
// request it made, not queued twice for the same resident; a new one once it is in the list.
let requestKey = newIdempotencyKey();
// Disabled in the page until here: pressed before the script came, the browser sent the form itself (GET) and lost it.
submit.disabled = false;

async function send() {
  errors.clear();
  const birthYear = document.getElementById('birthYear').value.trim();
  const initials = document.getElementById('initials').value.trim();
  const body = {
    patient: { reference: document.getElementById('reference').value.trim() },
    reason: document.getElementById('reason').value.trim(),
    specialty: select.value,
    urgency: form.querySelector('input[name=urgency]:checked').value,
    kind: form.querySelector('input[name=kind]:checked')?.value || 'video',
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
  } else if (birthYear && Number(birthYear) > new Date().getFullYear()) {
    wrong.birthYear = t('nurse.birthYearFuture');
  }
  if (!body.reason) {
    wrong.reason = t('nurse.reasonMissing');
  }
  if (!document.getElementById('consent').checked) {
    wrong.consent = t('nurse.consentMissing');
  }
  const vitals = readVitalSigns(form, 'vs-');
  Object.assign(wrong, vitals.wrong || {});
  if (vitals.body) {
    body.vitalSigns = vitals.body;
  }
  if (vitals.wrong) {
    document.getElementById('vitals').open = true;
  }
  const attached = [...document.getElementById('request-camera').files, ...document.getElementById('request-files').files];
  const refused = await limitsRefusal(attached);
  filesError.hidden = true;
  if (errors.show(wrong)) {
    return;
  }
  if (refused) {
    filesError.textContent = refused;
    filesError.hidden = false;
    filesError.focus();
    return;
  }
  try {
    const created = await request('/api/teleconsultations', { method: 'POST', body, headers: { 'Idempotency-Key': requestKey } });
    requestKey = newIdempotencyKey();
    items.merge(created);
    render();
    // Seen above the requests and focused (not only heard): she knows it left, and does not send it twice.
    said(sentLine(created));
    sentLineFor = created.id;
    // Emptied now, not after the files went: on a slow link she begins the next resident's request meanwhile, and a
    // reset at the upload's end erased it. The files chosen are held in `attached`.
    form.reset();
    if (attached.length) {
      await attach(created, attached);
    }
  } catch (e) {
    if (e?.status === 422) {
      // A creation's one 422 (IntakeService): this key made another request.
      sentBefore();
      return;
    }
    if (e?.field?.startsWith('vitalSigns')) {
      document.getElementById('vitals').open = true;
    }
    errors.fromRequest(e);
  }
}

/**
 * Her key was used already by another request: an earlier send of this form arrived (its answer lost), and she has
 * changed the form since. That request is in her list; the form stays as typed, and a send from now on is a new request.
 */
async function sentBefore() {
  requestKey = newIdempotencyKey();
  formError.textContent = t('nurse.sentBefore');
  formError.hidden = false;
  formError.focus();
  try {
    await refresh();
  } catch (e) {
    // The list comes with the next event: what is said above stays true.
  }
}

const filesBox = document.getElementById('request-files-box');
const filesStatus = document.getElementById('request-files-status');
const filesProgress = document.getElementById('request-files-progress');
const filesError = document.getElementById('request-files-error');

/** The files chosen with a new request, sent once it exists; a refusal is said under the control (the request stays). */
async function attach(created, attached) {
  filesBox.setAttribute('aria-busy', 'true');
  filesStatus.hidden = false;
  filesProgress.hidden = false;
  try {
    items.merge(await uploadFiles(created, attached, (text, fraction) => {
      filesStatus.textContent = text;
      filesProgress.value = fraction;
    }));
    render();
    announce(t('files.sent', { n: attached.length, ref: created.patient?.reference || '' }));
  } catch (e) {
    const ref = created.patient?.reference || '';
    if (e.kept) {
      // Not sent yet (the service busy, too slow, the connection lost): it waits on the request's card, sent again by its "Renvoyer".
      uploads.set(created.id, { error: e.message, kept: e.kept });
      render();
    }
    // The form may hold the next resident's request by now: the one whose file failed is named.
    filesError.textContent = e.kept ? t('files.afterRequestKept', { name: e.fileName, reason: e.reason, ref })
      : t('files.afterRequest', { reason: e.message, ref });
    filesError.hidden = false;
    filesError.focus();
  } finally {
    filesBox.removeAttribute('aria-busy');
    filesStatus.hidden = true;
    filesProgress.hidden = true;
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
      endCallIfRoomGone(after);
      if (before && before.status !== after.status && after.status === 'completed') {
        // Seen, not only heard: a banner above the requests until she dismisses it.
        const banner = document.getElementById('report-banner');
        const dismiss = el('button', { type: 'button', class: 'secondary' }, t('nurse.dismiss'));
        // Dismissed, the banner goes: the keyboard goes to the heading of her requests, not lost on the page.
        dismiss.addEventListener('click', () => {
          banner.hidden = true;
          const title = document.getElementById('open-title');
          title.tabIndex = -1;
          title.focus();
        });
        banner.replaceChildren(el('p', {}, el('strong', {}, t('nurse.reportReceived', { ref: after.patient?.reference || '' })),
          ' ', t('nurse.reportBelow')), dismiss);
        banner.hidden = false;
      }
      if (event.kind === 'teleconsultation.message' && after.messages?.at(-1)?.side === 'doctor') {
        announce(t('exchange.fromDoctor', { ref: after.patient?.reference || '', name: after.doctorName || '' }));
      }
      if (before && before.kind === 'opinion' && after.kind === 'video') {
        announce(t('exchange.nowVideo', { ref: after.patient?.reference || '' }));
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
