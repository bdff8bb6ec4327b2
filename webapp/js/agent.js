import { notJudged, request, sendingKeys, serverNow, token, untilHeard } from './api.js';
import { openCall, phoneLink, prepareCallIfNear } from './call.js';
import { dayOf, formatClock, formatDay, formatTime, formatWhen, instantOf, t } from './i18n.js';
import { availabilityEditor } from './availability.js';
import { isMobile } from './contact.js';
import { LiveAppointments, statusTag } from './live-list.js';
import { announce, beep, el, markBusy, requireRole, setUpPage, showError, showOutcome, whileSending } from './ui.js';
import { plainMessage } from './form-errors.js';
import { formStep } from './form-step.js';

await setUpPage();
// The waiting lists' line holds its place from the first frame without the loading line ("chargement…" until read):
// arriving after her day, it moved the day's buttons and her appointments down (an outside tester, on a tablet at
// 60 kbit/s: "Rejoindre" 94 px down, after it had been drawn).
const waitingLine = document.getElementById('waiting-length');
waitingLine.textContent = t('waiting.agentLoading');
waitingLine.hidden = false;
const me = await requireRole('agent');
const listBox = document.getElementById('appointments');
const callBox = document.getElementById('call');
const dayInput = document.getElementById('day');
const error = document.getElementById('agent-error');
const appointments = new LiveAppointments();
// Kept across live re-renders: the outcome asked for and not yet confirmed, and the last outcome of each card.
const confirming = new Map();
const outcomes = new Map();
let focusOutcome = null;
/** Her own appointments whose citizen waits in the room for her (booked: she has not joined), by id. */
const arrivals = new Map();
/** The call open on this page ({ id, call }): its card says so, and no second room opens over it unasked. */
let inCall = null;
/** The day shown is being read: its list waits ("Chargement…"), the other day's cards gone at once. */
let dayLoading = false;
// Today in the page's zone (the deployment's): no appointment gives one for the day chosen.
const today = () => dayOf(Date.now());
dayInput.value = today();

let dayTitle = document.title;

/** The title follows the day shown: "Mes rendez-vous du jour", or "… du jeudi 3 décembre". */
function showDay() {
  const title = dayInput.value === today() ? t('agent.title') : t('agent.titleOf', { day: formatDay(dayInput.value) });
  document.getElementById('agent-title').textContent = title;
  dayTitle = `${title} — Cantou`;
  showTitle();
}

/** The tab's title, "(1) " before it while someone waits for her: seen from another tab, or her mail. */
function showTitle() {
  document.title = arrivals.size ? `(${arrivals.size}) ${dayTitle}` : dayTitle;
}

/**
 * Today when the page last looked. Left open overnight, the page showed yesterday as "du jour", and read it again after
 * each reconnection: a page showing today moves to the new day; one showing another day keeps it, its title said again.
 */
let knownToday = today();

function followToday() {
  const now = today();
  if (now === knownToday) {
    return false;
  }
  const showedToday = dayInput.value === knownToday;
  knownToday = now;
  if (showedToday) {
    dayInput.value = now;
    dayInput.dispatchEvent(new Event('change'));
    return true;
  }
  showDay();
  return false;
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    followToday();
  }
});

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

/** The citizen's name, or "Données effacées" once erased: never "undefined" on a card. */
function nameOf(a) {
  return a.citizen?.name ?? t('appointment.erased');
}

function situation(a) {
  // By the server's clock, as every decision about an appointment's time: the laptop's may be wrong.
  const now = serverNow();
  if (a.status === 'booked' && a.citizenWaiting) {
    return { key: 'agent.waiting', tag: 'warn' };
  }
  // Also in the call: the agent came in first and waits in the room for her.
  if ((a.status === 'booked' || a.status === 'in_call') && a.citizenVideoFailedAt) {
    return { key: atPoint(a) ? 'agent.videoFailedAtPoint' : 'agent.videoFailed', tag: 'urgent' };
  }
  if (a.status === 'booked' && now > new Date(a.start).getTime()) {
    return { key: 'agent.late', tag: 'urgent' };
  }
  return { key: `appointment.${a.status}`, tag: statusTag(a.status) };
}

function render() {
  noticeArrivals();
  noticeCompanions();
  if (dayLoading) {
    return;
  }
  // A live re-render keeps the focus where it was: on a card's question or outcome line, or on its "Oui, terminé" pressed
  // (waiting, "Envoi…").
  const active = document.activeElement;
  const pressedIn = active?.matches?.('.confirm-box [data-confirm]') ? active.closest('[data-id]')?.dataset.id : null;
  if (!focusOutcome && active?.closest?.('.confirm-box, .outcome')) {
    focusOutcome = active.closest('[data-id]')?.dataset.id || null;
  }
  const was = focusedControl();
  const withdrawn = withdrawOutdatedQuestions();
  const day = dayInput.value;
  const list = [...appointments.values()].filter((a) => dayOf(a.start, a.timeZone) === day)
    .sort((a, b) => a.start.localeCompare(b.start));
  // A room near: its video script comes now, not after her press on "Rejoindre".
  prepareCallIfNear(list, serverNow());
  listBox.replaceChildren(...(list.length ? list.map((a) => {
    const s = situation(a);
    const open = a.status === 'booked' || a.status === 'in_call';
    return el('article', { class: 'card', 'data-id': a.id },
      el('h3', {}, `${formatClock(a.start, a.timeZone)} — ${nameOf(a)}`),
      // The status, then the service: said apart ("Confirmé · Aide au logement"), not run together.
      el('p', {}, el('span', { class: `tag ${s.tag}` }, t(s.key)), ` · ${a.serviceName} · ${a.reference}`),
      el('p', { class: 'muted' }, [a.pointName ? `${a.pointName}, ${a.pointCommune}` : t('booking.fromHomeOther'),
        a.bookedBy ? t('agent.bookedBy', { name: a.bookedBy.displayName }) : null, a.agentName].filter(Boolean).join(' · ')),
      attempt(a),
      open && a.companionInRoom ? el('p', { class: 'companion' }, t('agent.companionInRoom', { name: a.companionInRoom })) : null,
      contact(a),
      a.accessibility?.length ? el('p', {}, t('booking.needs'), ' : ', a.accessibility.map((n) => t(`needsOther.${n}`)).join(', ')) : null,
      a.note ? el('p', {}, a.note) : null,
      open && !confirming.has(a.id) ? el('div', { class: 'actions' },
        joinControl(a),
        el('button', { type: 'button', class: 'secondary', 'data-ask': 'complete', onclick: () => ask(a, 'complete') }, t('agent.done')),
        absentOrCancel(a))
        : null,
      open && confirming.has(a.id) ? confirmation(a, confirming.get(a.id)) : null,
      outcomes.has(a.id) ? outcomeLine(a.id) : null);
  }) : [el('p', { class: 'muted' }, t('agent.none'))]));
  if (focusOutcome) {
    const card = `[data-id="${focusOutcome}"]`;
    const pressed = pressedIn === focusOutcome ? listBox.querySelector(`${card} [data-confirm]`) : null;
    (pressed || listBox.querySelector(`${card} .confirm-box, ${card} .outcome`))?.focus();
    focusOutcome = null;
  }
  if (focusAsker) {
    listBox.querySelector(`[data-id="${focusAsker.id}"] [data-ask="${focusAsker.action}"]`)?.focus();
    focusAsker = null;
  }
  if (was && !listBox.contains(document.activeElement)) {
    refocus(was);
  }
  withdrawn.forEach(sayUnlessFocused);
  // The next start among the shown appointments: "Absent" appears then (checked again at least every minute).
  const now = serverNow();
  const next = list.map((a) => new Date(a.start).getTime()).filter((at) => at > now).sort((x, y) => x - y)[0];
  clearTimeout(startTimer);
  startTimer = next ? setTimeout(render, Math.min(next - now + 200, 60000)) : null;
}
let startTimer = null;

/**
 * The control of a card the keyboard is on (its card, and what it does or says): every live event draws the list again,
 * and the keyboard fell back to the top of the page, her place lost, each time someone entered a room.
 */
function focusedControl() {
  const active = document.activeElement;
  const card = active?.closest?.('#appointments [data-id]');
  if (!card || active === card) {
    return null;
  }
  return { id: card.dataset.id, ask: active.dataset.ask, join: active.hasAttribute('data-join'), tag: active.tagName,
    text: active.textContent };
}

/** The same control on the card drawn again; gone (the card changed), the card's first button. */
function refocus(was) {
  const card = listBox.querySelector(`[data-id="${was.id}"]`);
  const same = was.ask ? card?.querySelector(`[data-ask="${was.ask}"]`) : was.join ? card?.querySelector('[data-join]')
    : [...(card?.querySelectorAll(was.tag) || [])].find((e) => e.textContent === was.text);
  (same || card?.querySelector('button:not([disabled])'))?.focus();
}

/**
 * "Rejoindre"; "Connexion…" (busy, aria-disabled) while the room comes, kept across live re-renders: a second tap joins
 * nothing twice; in the call, "Vous êtes dans l'appel": pressed again, "Rejoindre" opened a second room over the first.
 */
function joinControl(a) {
  if (inCall?.id === a.id) {
    return el('span', { class: 'tag ok in-call' }, t('agent.inCall'));
  }
  // aria-disabled, not disabled: the keyboard, given back to it on a live re-render, stays on it.
  return joining.has(a.id) ? markBusy(el('button', { type: 'button', 'data-join': '' }, t('common.connecting')), true)
    : el('button', { type: 'button', 'data-join': '', onclick: () => joinOnce(a) }, t('agent.join'));
}

/**
 * Before its time, "Annuler le rendez-vous" (asked first, saying who will be told); once the time has come, "Absent",
 * in the call too (she came into the room first and waited). Neither while she waits in the room: she is there.
 * The list is drawn again at each start.
 */
function absentOrCancel(a) {
  if (waitsInOpenRoom(a)) {
    return null;
  }
  if (serverNow() >= new Date(a.start).getTime()) {
    return el('button', { type: 'button', class: 'secondary', 'data-ask': 'no-show', onclick: () => ask(a, 'no-show') }, t('agent.noShow'));
  }
  return a.status !== 'booked' ? null : el('button', { type: 'button', class: 'secondary', 'data-ask': 'cancel',
    onclick: () => ask(a, 'cancel') }, t('agent.cancelAppointment'));
}

/**
 * She waits in the waiting room, and it is still open for her: a presence never taken back (her tab killed) no longer
 * counts once it has closed, or it would hide "Absent" for good (the server judges the same way).
 */
function waitsInOpenRoom(a) {
  return Boolean(a?.citizenWaiting) && serverNow() < new Date(a.joinClosesAt).getTime();
}

/**
 * Questions the appointment has outrun: a cancel of one no longer booked (cancelled elsewhere, her call begun) goes;
 * an absence asked of someone now in the waiting room goes too, and the card says why (the ids returned).
 */
function withdrawOutdatedQuestions() {
  const withdrawn = [];
  for (const [id, action] of confirming) {
    const a = appointments.get(id);
    if (action === 'cancel' && a?.status !== 'booked') {
      confirming.delete(id);
    } else if (action === 'no-show' && waitsInOpenRoom(a)) {
      confirming.delete(id);
      outcomes.set(id, { text: t('agent.noShowWithdrawn', { name: nameOf(a) }) });
      withdrawn.push(id);
    }
  }
  return withdrawn;
}

/**
 * A card's outcome line focused in place of the question or button that went (WCAG 2.4.3), and its words drawn.
 * Focused, a screen reader reads it: said in the status line as well, it was read twice (an outside review).
 */
function showCardOutcome(id) {
  focusOutcome = id;
  render();
  sayUnlessFocused(id);
}

/** An outcome's words said without moving the focus, unless its line holds the focus (read already) or has gone. */
function sayUnlessFocused(id) {
  const line = listBox.querySelector(`[data-id="${id}"] .outcome`);
  if (outcomes.has(id) && document.activeElement !== line) {
    announce(outcomes.get(id).text);
  }
}
/** Appointments this page cancels: their event is not announced again (the card's own line says it). */
const cancellingHere = new Set();
/** Outcomes this page takes back, until their event comes: "rétabli" is not said over the card's own focused line. */
const undoingHere = new Set();
/** "Ne rien changer": the keyboard goes back to the button that asked ({id, action}). */
let focusAsker = null;

/** The outcome is asked first, next to the card: "Marquer … comme terminé ?"; once given, "Annuler" takes it back for 30 minutes. */
function ask(a, action) {
  confirming.set(a.id, action);
  outcomes.delete(a.id);
  focusOutcome = a.id;
  render();
}

const QUESTIONS = {
  complete: ['agent.confirmDone', 'agent.confirmDoneButton', 'agent.finalHint'],
  'no-show': ['agent.confirmNoShow', 'agent.confirmNoShowButton', 'agent.finalHint'],
  cancel: ['agent.confirmCancel', 'agent.confirmCancelButton', 'agent.cancelFinal'],
  switch: ['agent.confirmSwitch', 'agent.confirmSwitchButton', 'agent.switchHint'],
};

function confirmation(a, action) {
  const [questionKey, buttonKey, hintKey] = QUESTIONS[action];
  const question = t(questionKey, { time: formatTime(a.start, a.timeZone), name: nameOf(a) });
  return el('div', { class: 'confirm-box alert-info', role: 'group', tabindex: '-1', 'aria-label': question,
    'aria-describedby': action === 'cancel' ? `told-${a.id} hint-${a.id}` : `hint-${a.id}` },
    el('p', {}, question),
    // She tried to come: said where the absence is decided, not only on the card above.
    action === 'no-show' && a.citizenTriedAt
      ? el('p', {}, el('strong', {}, t('agent.triedBeforeNoShow', { time: formatTime(a.citizenTriedAt, a.timeZone) }))) : null,
    action === 'cancel' ? el('p', { id: `told-${a.id}` }, el('strong', {}, told(a))) : null,
    el('p', { class: 'hint', id: `hint-${a.id}` }, t(hintKey)),
    el('div', { class: 'actions' },
      // Waiting, "Envoi…" keeps the keyboard (markBusy, not disabled: the focus fell to the page's top).
      sending.has(a.id) ? markBusy(el('button', { type: 'button', class: action === 'complete' ? null : 'danger',
        'data-confirm': action }, t('common.sending')), true)
        : el('button', { type: 'button', class: action === 'complete' || action === 'switch' ? null : 'danger', 'data-confirm': action,
          onclick: action === 'switch' ? () => switchCall(a) : () => sendOnce(a, action) }, t(buttonKey)),
      el('button', { type: 'button', class: 'secondary', onclick: () => { confirming.delete(a.id); focusAsker = { id: a.id, action }; render(); } },
        t('agent.keep'))));
}

/** What was done, on the card; after "Terminé" or "Absent", its "Annuler" beside it (as moving an appointment offers). */
function outcomeLine(id) {
  const { text, failed, undo } = outcomes.get(id);
  const a = appointments.get(id);
  const undoable = undo && (a?.status === 'completed' || a?.status === 'no_show');
  return el('div', { class: failed ? 'outcome error' : 'outcome ok-line', tabindex: '-1', role: 'group', 'aria-label': text },
    el('p', {}, text),
    undoable ? el('button', { type: 'button', class: 'secondary undo-outcome',
      onclick: (event) => whileSending(event.currentTarget, () => undoOutcome(a)) }, t('agent.undo')) : null);
}

/**
 * Her side pressed "Rejoindre" and is not in the waiting room: when, and whether her video failed. On a weak link the
 * room may never come to her; this line keeps her from being taken for absent.
 */
function attempt(a) {
  if (!(a.status === 'booked' || a.status === 'in_call') || a.citizenWaiting || !(a.citizenTriedAt || a.citizenVideoFailedAt)) {
    return null;
  }
  if (!a.citizenVideoFailedAt) {
    // In the call, "asked to enter" says nothing more: she has been in, or the agent sees who is.
    return a.status === 'booked' ? el('p', { class: 'attempt' }, t('agent.tried', { time: formatTime(a.citizenTriedAt, a.timeZone) }))
      : null;
  }
  const key = atPoint(a) ? (a.pointPhone ? 'agent.videoFailedAtPointCall' : 'agent.videoFailedAtPointNoPhone')
    : a.citizen?.phone ? 'agent.videoFailedCall' : a.bookedBy?.phone ? 'agent.videoFailedCallMediator'
      : 'agent.videoFailedNoPhone';
  return el('p', { class: 'attempt' }, el('strong', {}, t(key, { time: formatTime(a.citizenVideoFailedAt, a.timeZone) })));
}

/** The point's screen is what failed: she is at the point, which the agent calls (not her mobile, maybe at home). */
function atPoint(a) {
  return a.citizenVideoFailedSide === 'screen';
}

/** How to reach the citizen when the video fails: her phone dials from the card; at a point, the point's too. */
function contact(a) {
  const phone = a.citizen?.phone;
  const email = a.citizen?.email;
  // Without a phone of hers, the house of the mediator who booked it beside her (she has none, or gave none).
  const through = !phone && a.bookedBy?.phone
    ? el('p', { class: 'contact' }, t('agent.throughMediator', { name: a.bookedBy.displayName }), ' ', phoneLink(a.bookedBy.phone))
    : null;
  const point = a.pointName && a.pointPhone
    ? el('p', { class: 'contact' }, t('agent.pointPhone', { name: a.pointName }), ' ', phoneLink(a.pointPhone)) : null;
  if (!phone && !email) {
    return [through, point];
  }
  return [el('p', { class: 'contact' }, phone ? [t('agent.phone'), ' ', phoneLink(phone)] : null,
    phone && email ? ' · ' : null, email ? [t('agent.email'), ' ', email] : null), through, point];
}

/**
 * Her citizens waiting for her, whatever day is shown: a line under the title for each ("Marie Dupont attend en salle
 * d'attente (rendez-vous de 10 h)") with its "Rejoindre", the tab's title counting them, and, once per arrival (not at
 * each reconnection), said and beeped. Only a tag on one card changed, easy to miss on another day or another tab.
 */
function noticeArrivals() {
  const waiting = [...appointments.values()].filter((a) => a.agentId === me.id && a.status === 'booked' && a.citizenWaiting)
    .sort((x, y) => x.start.localeCompare(y.start));
  for (const id of arrivals.keys()) {
    if (!waiting.some((a) => a.id === id)) {
      arrivals.delete(id);
    }
  }
  for (const a of waiting) {
    if (!arrivals.has(a.id)) {
      announce(arrivalText(a));
      beep();
    }
    arrivals.set(a.id, a);
  }
  showArrivals();
  showTitle();
}

/** The companion said in the room, by appointment: each one's coming is said once. */
const companionsSaid = new Map();

/**
 * Someone beside the person who is not her side (the agent of another administration who booked it) came into the
 * room of one of her appointments: said once, politely; seen only in the video, the agent did not know who she was.
 */
function noticeCompanions() {
  for (const a of appointments.values()) {
    const name = a.agentId === me.id && (a.status === 'booked' || a.status === 'in_call') ? a.companionInRoom : null;
    if (!name) {
      companionsSaid.delete(a.id);
    } else if (companionsSaid.get(a.id) !== name) {
      companionsSaid.set(a.id, name);
      announce(t('agent.companionInRoom', { name }));
    }
  }
}

function arrivalText(a) {
  return t('agent.arrival', { name: nameOf(a), time: formatTime(a.start, a.timeZone) });
}

function showArrivals() {
  const box = document.getElementById('arrivals');
  const lines = [...arrivals.values()].map((a) => el('p', { 'data-arrival': a.id }, el('strong', {}, arrivalText(a)), ' ',
    el('button', { type: 'button', 'aria-label': t('agent.joinNamed', { name: nameOf(a) }), onclick: () => joinFromArrival(a) },
      t('agent.join'))));
  // The keyboard on a line stays on it when drawn again; on a line that went (she joined from its card), it lands on
  // the next line, or on the page's content, never on nothing.
  const focused = box.contains(document.activeElement) ? document.activeElement.closest('[data-arrival]')?.dataset.arrival : null;
  box.replaceChildren(...lines);
  box.hidden = !lines.length;
  if (focused) {
    (box.querySelector(`[data-arrival="${focused}"] button`) || box.querySelector('button') || document.getElementById('main')).focus();
  }
}

/** From the line under the title: her day is shown, and the room joined (asked first when another call is open). */
function joinFromArrival(a) {
  const day = dayOf(a.start, a.timeZone);
  if (dayInput.value !== day) {
    dayInput.value = day;
    dayInput.dispatchEvent(new Event('change'));
  }
  joinOnce(appointments.get(a.id) || a);
}

/**
 * What changed each appointment last, live: an event or this page's own request. A GET answered after an event (on a
 * weak link, seconds later) gives the appointment as it was when asked: it does not replace what the event said.
 */
let changes = 0;
const changedAt = new Map();

function changed(id) {
  changes += 1;
  changedAt.set(id, changes);
}

/** An answer of this page's own request: kept, and newer than any GET still on its way. */
function keep(after) {
  appointments.set(after.id, after);
  changed(after.id);
}

let loads = 0;

async function load() {
  const mine = ++loads;
  const asked = changes;
  try {
    const list = await request(`/api/visio/appointments?date=${dayInput.value}`);
    list.filter((a) => !((changedAt.get(a.id) || 0) > asked)).forEach((a) => appointments.set(a.id, a));
    if (mine === loads) {
      error.hidden = true;
      showLoaded();
    }
  } catch (e) {
    if (mine === loads) {
      showError(error, e);
      // Another day not read: the error says so, with no "Aucun rendez-vous" under it.
      if (dayLoading) {
        listBox.replaceChildren();
      }
      dayLoading = false;
      listBox.removeAttribute('aria-busy');
    }
  }
}

/** Another day asked: the cards of the one before go at once, the list busy until the new day is read. */
function showLoading() {
  dayLoading = true;
  listBox.setAttribute('aria-busy', 'true');
  listBox.replaceChildren(el('p', { class: 'muted' }, t('agent.loadingDay')));
}

function showLoaded() {
  dayLoading = false;
  listBox.removeAttribute('aria-busy');
  render();
}

/** The appointments whose room is being joined: their button waits ("Connexion…") whatever re-renders the list. */
const joining = new Set();

async function joinOnce(a) {
  if (joining.has(a.id) || inCall?.id === a.id) {
    return;
  }
  if (inCall) {
    // In another call: leaving it is asked first, on the card to join.
    ask(a, 'switch');
    return;
  }
  joining.add(a.id);
  render();
  try {
    await join(a);
  } finally {
    joining.delete(a.id);
    render();
  }
}

/** Joining; refused (the room not open yet, a lost connection), it is said on the card it concerns, focused. */
async function join(a) {
  try {
    const info = await request(`/api/visio/appointments/${a.id}/join`);
    if (outcomes.get(a.id)?.refusal) {
      outcomes.delete(a.id);
      render();
    }
    const open = { id: a.id, call: null };
    inCall = open;
    open.call = await openCall(callBox, info, {
      // Her video failing, every way to reach her that the card gives: her phone, or else her e-mail, the point's
      // reception, the house of the mediator who booked it (it said "write to her e-mail" to someone who had none).
      fallback: () => (a.citizen?.phone ? el('p', {}, t('call.callCitizen'), ' ', phoneLink(a.citizen.phone))
        : [el('p', {}, t(a.citizen?.email ? 'call.noCitizenPhone' : 'call.noCitizenContact')), ...contact(a)]),
      onJoined: () => sayJoined(a.id),
      // Her hang-up (or Jitsi's): the card offers "Rejoindre" again, and the keyboard goes back to it.
      onLeft: (how) => { if (!how?.dropped) { besideHerGone(a, 'left'); endCall(open); } },
      onFailed: () => besideHerGone(a, 'failed'),
      onClosed: () => {
        endCall(open);
        return listBox.querySelector(`[data-id="${a.id}"] [data-join]`);
      },
    });
  } catch (e) {
    // Before the room opens, the day and time in words, as elsewhere ("jeudi 3 décembre à 10 h 50").
    const early = e?.status === 409 && a.joinOpensAt && serverNow() < new Date(a.joinOpensAt).getTime();
    outcomes.set(a.id, { text: early ? t('agent.roomOpensAt', { when: formatWhen(a.joinOpensAt, a.timeZone) }) : plainMessage(e),
      failed: true, refusal: true });
    showCardOutcome(a.id);
  }
}

/**
 * Beside the person for another administration (she booked it at her desk), her being in the room is on that
 * administration's agent's card: her going is said too, or the card would name her there until the room closed.
 */
function besideHerGone(a, state) {
  if (a.organisationId !== me.organisationId) {
    request(`/api/visio/appointments/${a.id}/presence`, { method: 'POST', body: { state }, keepalive: true }).catch(() => {});
  }
}

function endCall(open) {
  if (inCall === open) {
    inCall = null;
    render();
  }
}

/** "Oui, quitter l'appel": the call open is left (its room disposed of), and the other one joined. */
function switchCall(a) {
  confirming.delete(a.id);
  const open = inCall;
  inCall = null;
  open?.call?.close();
  // Its panel goes with it: should the other room be refused, no hang-up button is left for a room already gone.
  callBox.replaceChildren();
  callBox.hidden = true;
  joinOnce(appointments.get(a.id) || a);
}

/**
 * The call starts when the server knows she joined: said again until it answers (a lost POST on a weak link left the
 * card "Confirmé" and the citizen's page without "l'agent vous a rejoint"), while she is still in that call.
 */
async function sayJoined(id) {
  try {
    keep(await untilHeard(() => request(`/api/visio/appointments/${id}/presence`, { method: 'POST', body: { state: 'joined' } }),
      () => inCall?.id === id));
    render();
  } catch (e) {
    // Refused, or she left that call meanwhile: nothing more to say.
  }
}

/**
 * Who hears of a cancellation, as the server sends it: her SMS (a mobile) and her mail; without either, the mediator
 * who booked it beside her, by mail; else nobody.
 */
function told(a) {
  const sms = a.citizen?.phone && isMobile(a.citizen.phone);
  const mail = Boolean(a.citizen?.email);
  if (sms || mail) {
    return t(sms && mail ? 'agent.toldBySmsEmail' : sms ? 'agent.toldBySms' : 'agent.toldByEmail');
  }
  // The professional who booked it is told, unless it is the agent cancelling it now or his account is closed.
  return a.bookedBy && a.bookedBy.active !== false && a.bookedBy.id !== me.id ? t('agent.toldThroughMediator', { name: a.bookedBy.displayName })
    : t('agent.toldNobody');
}

/**
 * The outcomes on their way, by card: "Oui, terminé" stays "Envoi…" (busy, aria-disabled) whatever re-renders the list
 * meanwhile. Drawn again enabled by an event, it was sent a second time.
 */
const sending = new Set();

async function sendOnce(a, action) {
  if (sending.has(a.id)) {
    return;
  }
  sending.add(a.id);
  render();
  try {
    await finish(a, action);
  } finally {
    sending.delete(a.id);
    render();
  }
}

async function finish(a, action) {
  if (action === 'cancel') {
    cancellingHere.add(a.id);
  }
  try {
    const after = await request(`/api/visio/appointments/${a.id}/${action}`, { method: 'POST' });
    keep(after);
    confirming.delete(a.id);
    const words = { time: formatTime(a.start, a.timeZone), name: nameOf(a) };
    outcomes.set(a.id, action === 'cancel' ? { text: `${t('agent.cancelledByYou', words)} ${told(a)}` }
      : { text: t(after.status === 'no_show' ? 'agent.markedNoShow' : 'agent.markedDone', words), undo: true });
  } catch (e) {
    confirming.delete(a.id);
    outcomes.set(a.id, { text: plainMessage(e), failed: true });
  }
  showCardOutcome(a.id);
}

/** "Annuler" after "Terminé" or "Absent": the card is as it was before, with its buttons. */
async function undoOutcome(a) {
  undoingHere.add(a.id);
  try {
    const after = await request(`/api/visio/appointments/${a.id}/undo-outcome`, { method: 'POST' });
    keep(after);
    outcomes.set(a.id, { text: t('agent.undone', { time: formatTime(a.start, a.timeZone), name: nameOf(a) }) });
  } catch (e) {
    undoingHere.delete(a.id);
    // Lost on the way, "Annuler" stays beside the message: nothing else (nor a reload) takes the outcome back.
    outcomes.set(a.id, { text: plainMessage(e), failed: true, undo: notJudged(e) });
  }
  showCardOutcome(a.id);
}

dayInput.addEventListener('change', () => {
  // A refusal to join belongs to its card and its moment: another day starts without it.
  error.hidden = true;
  for (const [id, outcome] of outcomes) {
    if (outcome.refusal) {
      outcomes.delete(id);
    }
  }
  showDay();
  showLoading();
  load();
});
// Each minute: "Absent" at each start, "En retard", and the new day after midnight.
setInterval(() => followToday() || render(), 60000);

/**
 * The summary under the title: how many wait in each of the administration's services' waiting lists, none included.
 * Shown only when someone waited, the line came and went with the first person in line, every minute, and moved her
 * day's buttons and appointments under her pointer; a failed read keeps the line as it was, for the same reason.
 */
let waitingRead = false;

async function loadWaitingLength() {
  const line = document.getElementById('waiting-length');
  try {
    const services = (await request('/api/visio/services')).filter((s) => s.organisationId === me.organisationId);
    const lengths = await Promise.all(services.map((s) => request(`/api/visio/services/${s.id}/waiting-list`)
      .then((l) => ({ name: s.name, n: l.waiting + l.offered }))));
    // Kept on the page (it holds its place from the first frame): without a service, it says so rather than vanish.
    line.textContent = lengths.length ? lengths.map((l) => `${l.name} : ${t('waiting.agentLength', { n: l.n })}`).join(' · ')
      : t('waiting.agentNoService');
    waitingRead = true;
  } catch (e) {
    // Read again in a minute; the last figures stay meanwhile, and "chargement…" never stays for ever.
    if (!waitingRead) {
      line.textContent = t('waiting.agentUnread');
    }
  }
}

async function loadAvailability() {
  const box = document.getElementById('availability');
  try {
    const services = (await request('/api/visio/services')).filter((s) => s.organisationId === me.organisationId);
    await availabilityEditor(box, me.id, services);
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, plainMessage(e)));
  }
}

const leaveForm = document.getElementById('exception');
// Saved again as it was (its answer lost on a weak link), an absence goes with its key: never written twice.
const leaveKeys = sendingKeys();
const leaveValue = (id) => document.getElementById(id).value;
// Sent the one way of the professionals' forms (form-step.js): refusals under the field (the server names start, end or
// reason), "Envoi…", then what was saved under the form.
formStep(leaveForm, {
  summary: document.getElementById('ex-error'),
  fields: { start: ['ex-start', 'agent.periodOver'], end: ['ex-end', 'agent.endRefused'], reason: ['ex-reason', 'agent.reasonRefused'] },
  check: () => {
    const [start, end] = [leaveValue('ex-start'), leaveValue('ex-end')];
    const wrong = {};
    if (!start) {
      wrong['ex-start'] = t('agent.startMissing');
    }
    if (!end) {
      wrong['ex-end'] = t('agent.endMissing');
    } else if (start && end <= start) {
      wrong['ex-end'] = t('agent.endRefused');
    } else if (instantOf(end).getTime() <= Date.now()) {
      // A period wholly over (2020): a slip, said under "Du" as the service says it.
      wrong['ex-start'] = t('agent.periodOver');
    }
    return wrong;
  },
  send: async () => {
    document.getElementById('ex-outcome').hidden = true;
    // Typed in the département's hours, as her list of absences writes them, whatever her tablet's zone.
    const body = { start: instantOf(leaveValue('ex-start')).toISOString(), end: instantOf(leaveValue('ex-end')).toISOString(),
      reason: leaveValue('ex-reason').trim() };
    const all = document.getElementById('ex-all').checked;
    const key = leaveKeys.of({ all, body });
    const headers = { 'Idempotency-Key': key };
    const answer = all ? await request(`/api/visio/organisations/${me.organisationId}/closures`, { method: 'POST', body, headers })
      : await request(`/api/visio/agents/${me.id}/exceptions`, { method: 'POST', body, headers }).then(() => null);
    leaveKeys.answered(key);
    return answer;
  },
  reload: loadAvailability,
  said: (closure) => (closure ? t('agent.closureSaved', { count: closure.agents }) : t('agent.saved')),
  tell: (message) => showOutcome(document.getElementById('ex-outcome'), message),
});

/** The video failures already announced, by appointment: each failure is said once. */
const failuresSaid = new Map();

appointments.follow({
  token,
  // The snapshot, then the day shown (it may be another day than the snapshot's).
  onSnapshot: load,
  onChange: render,
  onEvent: (event) => {
    changed(event.data.id);
    // Her own appointments' news only (or one that was hers before a move): her colleagues' show on their cards,
    // silently; said, a screen reader read her the whole administration's day (an outside review).
    if (event.data.agentId !== me.id && event.data.previous?.agentId !== me.id) {
      return;
    }
    if (event.kind === 'appointment.booked') {
      announce(t('agent.newBooking', { time: formatTime(event.data.start, event.data.timeZone), name: nameOf(event.data) }));
    } else if (event.kind === 'appointment.waiting' && event.data.citizenWaiting && !arrivals.has(event.data.id)) {
      // Said once per arrival, with her time (noticeArrivals).
      announce(t('agent.citizenWaiting', { name: nameOf(event.data) }));
    } else if (event.kind === 'appointment.waiting' && event.data.citizenVideoFailedAt
      && (event.data.status === 'booked' || event.data.status === 'in_call')
      && failuresSaid.get(event.data.id) !== event.data.citizenVideoFailedAt) {
      // Said once per failure: the events that follow it (someone else leaving, a retry) carry it too.
      failuresSaid.set(event.data.id, event.data.citizenVideoFailedAt);
      announce(t(atPoint(event.data) ? 'agent.citizenVideoFailedAtPoint' : 'agent.citizenVideoFailed', { name: nameOf(event.data) }));
    } else if (event.kind === 'appointment.cancelled' && !cancellingHere.has(event.data.id)) {
      // Cancelled elsewhere (by her, her mediator, a colleague): cancelled here, the card's own line said it.
      announce(t('agent.cancelled', { name: nameOf(event.data) }));
    } else if (event.kind === 'appointment.changed' && event.data.previous?.start
      && event.data.previous.start !== event.data.start) {
      // Moved (by her, her mediator, a colleague): its card leaves the day shown, or comes to it, said with both times.
      announce(t('agent.moved', { name: nameOf(event.data), from: formatWhen(event.data.previous.start, event.data.timeZone),
        to: formatWhen(event.data.start, event.data.timeZone) }));
    } else if (event.kind === 'appointment.reopened' && !undoingHere.delete(event.data.id)) {
      // Taken back elsewhere (a colleague, her other tab): taken back here, the card's focused line said it.
      announce(t('agent.reopened', { time: formatTime(event.data.start, event.data.timeZone), name: nameOf(event.data) }));
    }
  },
});
loadAvailability();
loadWaitingLength();
setInterval(loadWaitingLength, 60000);
