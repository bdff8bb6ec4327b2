import { ApiError, newIdempotencyKey, request, sendingKeys, serverNow, untilHeard } from './api.js';
import { openCall, prepareCall } from './call.js';
import { connect } from './realtime.js';
import { currentLanguage, dayOf, formatDay, formatTime, formatWhen, t } from './i18n.js';
import { plainMessage } from './form-errors.js';
import { announce, el, setUpPage, statusLine, whileSending } from './ui.js';

/*
 * The screen of a point visio-accueil (the kiosk). Shared by everyone who comes in: it keeps its
 * device token (localStorage 'cantou.kiosk') and nothing of anybody. Everything about a person
 * lives in this module's variables only, never in the history (no pushState, no fragment), nor
 * in sessionStorage or localStorage; `reset()` drops it after her call, on "Ce n'est pas moi",
 * or after `resetSeconds` without a touch.
 */
const TOKEN_KEY = 'cantou.kiosk';
/**
 * While she waits or is in her call, the screen hears her appointment on the WebSocket (its device token, events
 * "kiosk.appointment"); only while the socket is down does it ask, this often.
 */
const POLL_MS = 10000;
/** While the list shows: how often it is read again (bookings made meanwhile). */
const REFRESH_MS = 60000;
/** Out of the room this long (not back through the audio-only switch): her call is over. */
const LEFT_GRACE_MS = 15000;
/** "Scanner ma convocation": one frame looked at about this often (one at a time), for this long at most. */
const SCAN_EVERY_MS = 700;
const SCAN_FOR_MS = 60000;
/** The frame sent when the browser cannot read a QR code itself: small, grey, JPEG. */
const FRAME_WIDTH = 480;
const FRAME_HEIGHT = 360;
const FRAME_QUALITY = 0.7;

const screen = document.getElementById('screen');
const callBox = document.getElementById('call');
let day = null;
// What concerns the person in front of the screen: dropped by reset().
let current = null;
let call = null;
let pollTimer = null;
let refreshTimer = null;
let idleTimer = null;
let leftTimer = null;
let idleAllowed = true;
// The screen's socket (not the person's: it stays open across resets); up: whether events come through it now.
let live = null;
let socketUp = false;
// The camera while it looks for her QR code: its stream and timers, stopped by stopScan().
let scanning = null;

await setUpPage();
setUpFullscreen();
['pointerdown', 'keydown', 'touchstart'].forEach((kind) => document.addEventListener(kind, rearmIdle, { passive: true }));
start();

function deviceToken() {
  return localStorage.getItem(TOKEN_KEY);
}

/** A request of the screen, with its device token; a token that opens nothing any more brings back the pairing form. */
async function kiosk(path, options = {}) {
  try {
    return await request(path, { ...options, anonymous: true, headers: { ...options.headers, 'X-Kiosk-Token': deviceToken() || '' } });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      dropEverything();
      localStorage.removeItem(TOKEN_KEY);
      showPairing(t('kiosk.unpaired'));
    }
    throw e;
  }
}

async function start() {
  if (!deviceToken()) {
    showPairing();
    return;
  }
  try {
    await showDay();
  } catch (e) {
    if (e?.status !== 401) {
      showProblem(e);
    }
  }
}

/** Heading first, focused: a screen reader (and the eye) starts at the top of each new screen. */
function show(title, ...children) {
  const heading = el('h1', { tabindex: '-1', id: 'kiosk-title' }, title);
  screen.replaceChildren(heading, ...children.filter(Boolean));
  heading.focus();
}

function showProblem(e) {
  show(t('kiosk.problemTitle'), el('p', { class: 'error', role: 'alert' }, plainMessage(e)),
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'big', onclick: () => reset() }, t('kiosk.retry'))));
}

// Pairing.

/**
 * The pairing's Idempotency-Key, one per code: sent again after its answer was lost (the code spent by then), the same
 * code goes with the same key and the server pairs this screen again, where "this code pairs no screen" was said.
 */
const pairingKeys = sendingKeys();

function showPairing(why = null) {
  stopTimers();
  idleAllowed = false;
  document.getElementById('kiosk-point').textContent = t('kiosk.tagline');
  const input = el('input', { id: 'pair-code', name: 'code', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', 'aria-describedby': 'pair-help', maxlength: '20' });
  const error = el('p', { class: 'error', id: 'pair-error', role: 'alert', tabindex: '-1', hidden: true });
  const form = el('form', { class: 'kiosk-form' },
    el('label', { for: 'pair-code' }, t('kiosk.pairCode')), el('p', { class: 'hint', id: 'pair-help' }, t('kiosk.pairHelp')),
    input, error, el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'big' }, t('kiosk.pair'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(form.querySelector('button'), async () => {
      try {
        // The code as the server reads it (any case, spaces and dashes left out): typed again otherwise, the same key.
        const code = input.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
        const key = pairingKeys.of({ code });
        const paired = await request('/api/visio/kiosk/pair', { method: 'POST', anonymous: true, body: { code: input.value },
          headers: { 'Idempotency-Key': key } });
        pairingKeys.answered(key);
        localStorage.setItem(TOKEN_KEY, paired.token);
        input.value = '';
        await showDay();
        announce(t('kiosk.paired', { point: paired.point.name }));
      } catch (e) {
        error.textContent = plainMessage(e);
        error.hidden = false;
        error.focus();
      }
    });
  });
  show(t('kiosk.pairTitle'), why ? el('p', { class: 'notice', role: 'alert' }, why) : null, form);
}

// The day's list.

async function showDay() {
  stopTimers();
  day = await kiosk('/api/visio/kiosk');
  idleAllowed = true;
  // "Mairie de Murat", not "Mairie de Murat — Murat": the commune only when the name does not say it.
  document.getElementById('kiosk-point').textContent = day.point.name.includes(day.point.commune) ? day.point.name
    : `${day.point.name} — ${day.point.commune}`;
  renderDay();
  refreshTimer = setTimeout(refreshDay, REFRESH_MS);
  rearmIdle();
  listen();
}

/** Opens the screen's socket once paired: her appointment's changes come through it; revoked, it closes (4401). */
function listen() {
  if (live) {
    return;
  }
  live = connect({
    token: deviceToken(),
    onSnapshot: (snapshot) => {
      const mine = current && (snapshot.kioskAppointments || []).find((a) => a.id === current.id);
      if (mine) {
        changed(mine);
      }
    },
    onEvent: (event) => {
      if (event.kind === 'kiosk.appointment' && current && event.data.id === current.id) {
        changed(event.data);
      }
    },
    onStatus: (state) => {
      socketUp = state === 'online';
      if (state === 'unauthorized') {
        revoked();
      } else if (!socketUp && current) {
        // Down a while: the slow poll stands in until it is back.
        clearTimeout(pollTimer);
        pollTimer = setTimeout(call ? watchCall : poll, POLL_MS);
      }
    },
  });
}

/** The screen no longer paired (as far as it knows): its socket, its timers, the call and the person go at once. */
function dropEverything() {
  live?.close();
  live = null;
  socketUp = false;
  dropPerson();
}

/** Her timers, her call (the Jitsi frame disposed) and her appointment, gone from the page. */
function dropPerson() {
  stopScan();
  stopTimers();
  call?.close();
  call = null;
  current = null;
  callBox.replaceChildren();
  callBox.hidden = true;
}

/**
 * Her appointment as the screen sees it now: the agent joined (the call opens); held (back to the list); cancelled or
 * marked missed while she is here (said, with where to go: she must not find the list in place of her waiting screen);
 * moved (its new time said and drawn).
 */
function changed(a) {
  if (!current) {
    return;
  }
  const before = current;
  current = a;
  if (a.status === 'in_call' && !call) {
    joinCall();
  } else if (a.status === 'cancelled' || a.status === 'no_show') {
    closedWhileHere(a);
  } else if (a.status !== 'in_call' && a.status !== 'booked') {
    leaveThenReset();
  } else if (!call && new Date(a.start).getTime() !== new Date(before.start).getTime()) {
    moved(a);
  }
}

/**
 * Her appointment moved while she waits. Within the day: the waiting screen with its new time, said; she is checked in
 * again (a move ends her waiting on the server: the agent would not see her, and the call could not open here). To
 * another day: said, with the new day and time and where to ask, then the list; the screen lets her appointment go.
 */
async function moved(a) {
  if (dayOf(a.start, a.timeZone) === day.date) {
    try {
      waiting(await kiosk('/api/visio/kiosk/check-in', { method: 'POST', body: { appointmentId: a.id } }),
        t('kiosk.movedWithinDay', { time: formatTime(a.start, a.timeZone) }));
    } catch (e) {
      if (e?.status !== 401 && current?.id === a.id) {
        showProblem(e);
      }
    }
    return;
  }
  kiosk(`/api/visio/kiosk/appointments/${a.id}/leave`, { method: 'POST', keepalive: true }).catch(() => {});
  dropPerson();
  show(t('kiosk.movedTitle'),
    statusLine({ class: 'kiosk-lead' }, t('kiosk.movedText', { when: formatWhen(a.start, a.timeZone),
      administration: a.administration })),
    el('p', {}, t('kiosk.askTheDesk')),
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'big', onclick: () => reset() }, t('kiosk.understood'))));
  // Back to the list by itself after the screen's usual time without a touch.
  idleAllowed = true;
  rearmIdle();
}

/** Her appointment cancelled or marked missed by her administration while she waited here: said, then the list. */
function closedWhileHere(a) {
  dropPerson();
  show(t(`kiosk.closedTitle.${a.status}`),
    el('p', { class: 'kiosk-lead', role: 'status' }, t(`kiosk.closedText.${a.status}`, { time: formatTime(a.start, a.timeZone),
      administration: a.administration })),
    el('p', {}, t('kiosk.askTheDesk')),
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'big', onclick: () => reset() }, t('kiosk.understood'))));
  // Back to the list by itself after the screen's usual time without a touch.
  idleAllowed = true;
  rearmIdle();
}

/**
 * The socket was refused: the screen was revoked (or its point withdrawn). Whatever is on screen goes at once, the call
 * included; the day asked again says which (401: the pairing form, 403: the problem).
 */
async function revoked() {
  dropEverything();
  sessionStorage.clear();
  try {
    await showDay();
  } catch (e) {
    if (e?.status !== 401) {
      showProblem(e);
    }
  }
}

async function refreshDay() {
  if (current || call) {
    return;
  }
  try {
    const fresh = await kiosk('/api/visio/kiosk');
    // Only the list changes under her eyes, and only when it changed (most minutes it has not): a line drawn anew
    // under a finger loses the tap begun on it. The heading and the focus stay where they are.
    if (JSON.stringify(fresh) !== JSON.stringify(day)) {
      day = fresh;
      document.getElementById('kiosk-list')?.replaceWith(dayList());
    }
  } catch (e) {
    if (e?.status === 401) {
      // No longer paired: the pairing form is shown, and nothing more is asked.
      return;
    }
    // Offline a moment: the list stays as it was.
  }
  refreshTimer = setTimeout(refreshDay, REFRESH_MS);
}

function renderDay() {
  const reference = el('input', { id: 'reference', name: 'reference', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', 'aria-describedby': 'reference-help', maxlength: '40' });
  const refError = el('p', { class: 'error', id: 'reference-error', role: 'alert', tabindex: '-1', hidden: true });
  const byReference = el('form', { class: 'kiosk-form' },
    el('h2', {}, t('kiosk.byReference')),
    el('label', { for: 'reference' }, t('kiosk.reference')),
    el('p', { class: 'hint', id: 'reference-help' }, t('kiosk.referenceHelp')), reference, refError,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'big' }, t('kiosk.checkInReference'))));
  byReference.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(byReference.querySelector('button'), async () => {
      try {
        const checked = await kiosk('/api/visio/kiosk/check-in', { method: 'POST', body: { reference: reference.value } });
        reference.value = '';
        waiting(checked);
      } catch (e) {
        sayUnder(refError, e);
      }
    });
  });
  const canScan = Boolean(navigator.mediaDevices?.getUserMedia);
  show(t('kiosk.welcome'),
    el('p', { class: 'kiosk-lead' }, t('kiosk.today', { day: formatDay(day.date) })),
    el('section', { 'aria-labelledby': 'list-title' }, el('h2', { id: 'list-title' }, t('kiosk.listTitle')),
      el('p', { class: 'hint' }, t('kiosk.listHelp')), dayList()),
    canScan ? el('section', { 'aria-labelledby': 'scan-title' }, el('h2', { id: 'scan-title' }, t('kiosk.scanQuestion')),
      el('button', { type: 'button', class: 'big', id: 'scan', onclick: showScan }, t('kiosk.scan'))) : null,
    byReference,
    el('section', { 'aria-labelledby': 'none-title' }, el('h2', { id: 'none-title' }, t('kiosk.noAppointment')),
      el('button', { type: 'button', class: 'big secondary', id: 'free-slots', onclick: showFreeSlots }, t('kiosk.seeSlots'))));
}

/** A refusal said under its form, focused (a 401 already brought the pairing form). */
function sayUnder(line, e) {
  if (e?.status !== 401) {
    line.textContent = plainMessage(e);
    line.hidden = false;
    line.focus();
  }
}

/** Her first name's initial; "?" once erased (an event replayed after her erasure carries none). */
const initialOf = (a) => a.initial || '?';

function dayList() {
  const list = day.appointments;
  if (!list.length) {
    return el('p', { id: 'kiosk-list', class: 'muted' }, t('kiosk.noneToday'));
  }
  return el('ul', { id: 'kiosk-list', class: 'kiosk-list' }, ...list.map((a) => el('li', {},
    el('button', { type: 'button', class: 'big kiosk-appointment', 'data-id': a.id, onclick: () => confirmIdentity(a) },
      // Spaces between the parts: read out as "9 h J. Carte Vitale…", not run together.
      el('span', { class: 'kiosk-time' }, formatTime(a.start, a.timeZone)), ' ',
      el('span', { class: 'kiosk-initial' }, initialOf(a)), ' ',
      el('span', { class: 'kiosk-service' }, `${a.serviceName} (${a.administration})`),
      a.checkedIn ? [' ', el('span', { class: 'tag ok' }, t('kiosk.alreadyHere'))] : null))));
}

/** A tap on the wrong line must not check in someone else: she says it is hers first. */
function confirmIdentity(a) {
  show(t('kiosk.isItYou'),
    el('p', { class: 'kiosk-lead' }, `${formatTime(a.start, a.timeZone)} — ${initialOf(a)} — ${a.serviceName} (${a.administration})`),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'big', id: 'confirm-check-in', onclick: (event) => whileSending(event.currentTarget,
        async () => {
          try {
            waiting(await kiosk('/api/visio/kiosk/check-in', { method: 'POST', body: { appointmentId: a.id } }));
          } catch (e) {
            if (e?.status !== 401) {
              showProblem(e);
            }
          }
        }) }, t('kiosk.yesItsMe')),
      el('button', { type: 'button', class: 'big secondary', onclick: () => reset() }, t('kiosk.back'))));
}

// "Scanner ma convocation": her QR code (her reference, nothing else) read from the camera.

/**
 * The camera's picture and one sentence; "Annuler" goes back to the list. The code is read by the browser itself
 * (BarcodeDetector: no frame leaves the screen) or, without it, on the server from small grey frames sent one at a
 * time. Either way the reference read is checked in as one typed. The camera stops on success, on cancel, after
 * SCAN_FOR_MS and on reset (dropPerson).
 */
function showScan() {
  const video = el('video', { id: 'scan-video', class: 'kiosk-scan-video', 'aria-hidden': 'true', playsinline: true });
  video.muted = true;
  const status = el('p', { id: 'scan-status', class: 'kiosk-lead', role: 'status', 'aria-live': 'polite' },
    t('kiosk.scanStarting'));
  const problem = el('p', { class: 'error', id: 'scan-error', role: 'alert', tabindex: '-1', hidden: true });
  const again = el('button', { type: 'button', class: 'big', id: 'scan-again', hidden: true,
    onclick: () => { problem.hidden = true; again.hidden = true; startScan(video, status, problem, again); } }, t('kiosk.scanAgain'));
  show(t('kiosk.scanTitle'),
    el('p', { class: 'kiosk-lead', id: 'scan-help' }, t('kiosk.scanHelp')),
    el('div', { class: 'kiosk-scan' }, video), status, problem,
    el('div', { class: 'actions' }, again,
      el('button', { type: 'button', class: 'big secondary', id: 'scan-cancel', onclick: () => reset() }, t('kiosk.scanCancel'))));
  startScan(video, status, problem, again);
}

async function startScan(video, status, problem, again) {
  stopScan();
  const session = { stream: null, timer: null, deadline: null, stopped: false, said: '' };
  scanning = session;
  // While the camera looks, the screen does not go back to the list under her; SCAN_FOR_MS bounds it.
  idleAllowed = false;
  clearTimeout(idleTimer);
  clearTimeout(refreshTimer);
  const say = (key) => {
    if (session.said !== key) {
      session.said = key;
      status.textContent = t(key);
    }
  };
  const fail = (message) => {
    stopScan();
    say('kiosk.scanStopped');
    problem.textContent = message;
    problem.hidden = false;
    again.hidden = false;
    problem.focus();
    idleAllowed = true;
    rearmIdle();
  };
  try {
    session.stream = await navigator.mediaDevices.getUserMedia({ audio: false,
      video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } });
  } catch (e) {
    if (!session.stopped) {
      fail(t('kiosk.scanNoCamera'));
    }
    return;
  }
  if (session.stopped) {
    session.stream.getTracks().forEach((track) => track.stop());
    return;
  }
  video.srcObject = session.stream;
  await video.play().catch(() => {});
  const detector = await onDevice();
  // Which way this screen reads codes (a test, and whoever maintains the point, can see it): no person in it.
  document.body.dataset.scanPath = detector ? 'device' : 'server';
  say('kiosk.scanLooking');
  session.deadline = setTimeout(() => fail(t('kiosk.scanTimeout')), SCAN_FOR_MS);
  const canvas = detector ? null : el('canvas', { width: FRAME_WIDTH, height: FRAME_HEIGHT });
  const look = async () => {
    if (session.stopped) {
      return;
    }
    try {
      const found = detector ? await readOnDevice(detector, video) : await readOnServer(canvas, video);
      if (session.stopped) {
        return;
      }
      if (found) {
        stopScan();
        waiting(found);
        return;
      }
    } catch (e) {
      if (session.stopped || e?.status === 401) {
        return;
      }
      if (e?.status !== 0 && e?.status !== 408 && e?.status !== 503) {
        // Not an appointment of today here (404, the answer of a reference typed), over (409), too many (429).
        fail(plainMessage(e));
        return;
      }
      // Offline a moment, a frame that came too slowly (408), or the server busy: the next frame tries again.
    }
    session.timer = setTimeout(look, SCAN_EVERY_MS);
  };
  look();
}

/** The browser's own reader of QR codes, when it has one. */
async function onDevice() {
  if (!('BarcodeDetector' in window)) {
    return null;
  }
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes('qr_code') ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null;
  } catch (e) {
    return null;
  }
}

/** Read on the screen: only the reference read goes out, as if typed. Null while no code is seen. */
async function readOnDevice(detector, video) {
  const codes = await detector.detect(video);
  const text = codes.find((c) => c.rawValue)?.rawValue;
  return text ? kiosk('/api/visio/kiosk/check-in', { method: 'POST', body: { reference: text } }) : null;
}

/** Read on the server: one small grey frame (never kept there). Null while no code is seen (422). */
async function readOnServer(canvas, video) {
  if (!video.videoWidth) {
    return null;
  }
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  const pixels = context.getImageData(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    const luma = (d[i] * 299 + d[i + 1] * 587 + d[i + 2] * 114) / 1000;
    d[i] = luma;
    d[i + 1] = luma;
    d[i + 2] = luma;
  }
  context.putImageData(pixels, 0, 0);
  const frame = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', FRAME_QUALITY));
  if (!frame) {
    return null;
  }
  try {
    return await kiosk('/api/visio/kiosk/scan', { method: 'POST', body: frame });
  } catch (e) {
    if (e?.status === 422) {
      return null;
    }
    throw e;
  }
}

/** The camera off (its tracks ended), the timers cleared: on success, cancel, time out, reset. */
function stopScan() {
  const session = scanning;
  if (!session) {
    return;
  }
  scanning = null;
  session.stopped = true;
  clearTimeout(session.timer);
  clearTimeout(session.deadline);
  session.stream?.getTracks().forEach((track) => track.stop());
  const video = document.getElementById('scan-video');
  if (video) {
    video.srcObject = null;
  }
}

// Waiting, then the call.

/** Her waiting screen, for her appointment `a`; `news` said to screen readers (by default: her arrival is signalled). */
function waiting(a, news = t('kiosk.checkedIn')) {
  current = a;
  // Her call comes next: its video script now, while she waits, not when the agent opens the room.
  prepareCall();
  // She waits for her time: the screen does not go back to the list under her.
  idleAllowed = false;
  clearTimeout(idleTimer);
  clearTimeout(refreshTimer);
  show(t('kiosk.waitingTitle', { initial: initialOf(a) }),
    el('p', { class: 'kiosk-lead', role: 'status' }, t('kiosk.waitingText', { time: formatTime(a.start, a.timeZone),
      administration: a.administration })),
    el('p', { id: 'room-opens' }, t('kiosk.stayHere')),
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'big secondary', id: 'not-me',
      onclick: (event) => whileSending(event.currentTarget, () => leaveThenReset()) }, t('kiosk.notMe'))));
  announce(news);
  if (a.status === 'in_call') {
    joinCall();
  } else {
    poll();
  }
}

async function poll() {
  clearTimeout(pollTimer);
  if (!current || call || socketUp) {
    return;
  }
  try {
    const now = await kiosk(`/api/visio/kiosk/appointments/${current.id}`);
    if (!current) {
      return;
    }
    const before = current;
    current = now;
    if (now.status === 'in_call') {
      await joinCall();
      return;
    }
    // Checked in, she may still be waiting for an agent running late: the room is hers until the server says.
    if (now.status === 'cancelled' || now.status === 'no_show') {
      closedWhileHere(now);
      return;
    }
    if (now.status === 'booked' && new Date(now.start).getTime() !== new Date(before.start).getTime()) {
      moved(now);
      return;
    }
    if (now.status !== 'booked' || serverNow() > new Date(now.joinClosesAt || now.end).getTime()) {
      reset();
      return;
    }
  } catch (e) {
    if (e?.status === 401) {
      return;
    }
    if (e?.status === 403 || e?.status === 404) {
      reset();
      return;
    }
  }
  pollTimer = setTimeout(poll, POLL_MS);
}

async function joinCall() {
  let info;
  try {
    info = await kiosk(`/api/visio/kiosk/appointments/${current.id}/join`);
  } catch (e) {
    // The room not open yet (or a moment offline): tried again, a little later.
    pollTimer = setTimeout(() => (socketUp ? current && !call && joinCall() : poll()), socketUp ? 3000 : POLL_MS);
    return;
  }
  if (!current || call) {
    return;
  }
  screen.replaceChildren();
  announce(t('kiosk.callOpens'));
  // The agent sees the screen's video fail ("Vidéo impossible au point") and calls the point; in again, she waits again.
  const appointmentId = current.id;
  const presence = (state) => kiosk(`/api/visio/kiosk/appointments/${appointmentId}/presence`,
    { method: 'POST', body: { state }, keepalive: true });
  let failed = false;
  // In the room again after a failed video: her "waiting", lost on a weak link, is sent again while she is still there
  // (sent once, the agent's card kept "Vidéo impossible au point" while she sat in the room).
  let inRoom = false;
  call = await openCall(callBox, info, {
    // Left inside Jitsi (its own red button): over unless the room comes back at once (the audio-only switch reopens it).
    onJoined: () => {
      clearTimeout(leftTimer);
      inRoom = true;
      if (failed) {
        failed = false;
        untilHeard(() => presence('waiting'), () => inRoom && current?.id === appointmentId).catch(() => {});
      }
    },
    onFailed: () => {
      failed = true;
      inRoom = false;
      presence('failed').catch(() => {});
    },
    // A drop is not her leaving: the call enters again by itself, or says it failed (the agent then calls the point).
    onLeft: (how) => {
      inRoom = false;
      clearTimeout(leftTimer);
      if (!how?.dropped) {
        leftTimer = setTimeout(() => leaveThenReset(), LEFT_GRACE_MS);
      }
    },
    // Hung up here: her visit is over; the screen goes back to the list, keeping nothing.
    onClosed: () => {
      setTimeout(() => leaveThenReset(), 0);
      return document.getElementById('main');
    },
    fallback: () => el('p', {}, t('kiosk.callFallback')),
  });
  watchCall();
}

/** During the call: the agent marking it done (or the appointment ending) closes it here too. */
async function watchCall() {
  clearTimeout(pollTimer);
  if (!current || !call || socketUp) {
    return;
  }
  try {
    const now = await kiosk(`/api/visio/kiosk/appointments/${current.id}`);
    if (now.status !== 'in_call' && now.status !== 'booked') {
      await leaveThenReset();
      return;
    }
  } catch (e) {
    // Gone a moment: the call goes on.
  }
  pollTimer = setTimeout(watchCall, POLL_MS);
}

async function leaveThenReset() {
  const leaving = current;
  if (leaving) {
    try {
      await kiosk(`/api/visio/kiosk/appointments/${leaving.id}/leave`, { method: 'POST', keepalive: true });
    } catch (e) {
      // Her appointment is over or gone: nothing to say to the agent.
    }
  }
  reset();
}

/**
 * Back to the list, keeping nothing of the person: the call closed, every variable about her
 * dropped, both storages emptied of everything but the device token. A language she chose goes
 * back to French (reloading the page, which adds no history entry).
 */
function reset() {
  dropPerson();
  sessionStorage.clear();
  const token = deviceToken();
  const switched = currentLanguage() !== 'fr';
  localStorage.clear();
  if (token) {
    localStorage.setItem(TOKEN_KEY, token);
  }
  if (switched) {
    location.reload();
    return;
  }
  start();
}

function stopTimers() {
  clearTimeout(leftTimer);
  clearTimeout(pollTimer);
  clearTimeout(refreshTimer);
  clearTimeout(idleTimer);
}

function rearmIdle() {
  clearTimeout(idleTimer);
  if (!idleAllowed || !day || current?.checkedIn || call) {
    return;
  }
  idleTimer = setTimeout(() => {
    if (idleAllowed && !call && !current?.checkedIn) {
      reset();
    }
  }, day.resetSeconds * 1000);
}

// No appointment: the next free slots of this point.

async function showFreeSlots() {
  const box = el('div', { id: 'slots', 'aria-busy': 'true' }, statusLine({}, t('kiosk.loadingSlots')));
  show(t('kiosk.slotsTitle'), el('p', { class: 'kiosk-lead' }, t('kiosk.slotsHelp')), box,
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'big secondary', onclick: () => reset() }, t('kiosk.back'))));
  try {
    const services = await request('/api/visio/services', { anonymous: true });
    const from = day.date;
    const to = new Date(Date.parse(`${day.date}T00:00:00Z`) + 13 * 86400000).toISOString().slice(0, 10);
    const found = await Promise.all(services.map((s) => request(
      `/api/visio/services/${s.id}/slots?from=${from}&to=${to}&pointId=${day.point.id}`, { anonymous: true })
      .then((slots) => ({ service: s, slots: slots.slice(0, 3) })).catch(() => ({ service: s, slots: [] }))));
    const offered = found.filter((f) => f.slots.length);
    box.replaceChildren(...(offered.length ? offered.map((f) => el('section', { class: 'card' },
      el('h2', {}, `${f.service.name} (${f.service.administration})`),
      el('ul', { class: 'kiosk-slots' }, ...f.slots.map((slot) => el('li', {},
        el('button', { type: 'button', class: 'big secondary kiosk-slot', onclick: () => showBooking(f.service, slot) },
          t('kiosk.bookSlot', { when: formatWhen(slot.start, f.service.timeZone || null) })))))))
      : [el('p', {}, t('kiosk.noSlots'))]));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error', role: 'alert' }, plainMessage(e)));
  }
  box.removeAttribute('aria-busy');
}

/**
 * Booking a free slot here, with the mediator's help: her name and, if she has one, her mobile number, on large fields
 * (the only typing asked; without a mobile she leaves with her reference written down or printed). One Idempotency-Key per form: a second touch, or a retry after a lost answer, books once.
 */
function showBooking(service, slot) {
  const key = newIdempotencyKey();
  const when = formatWhen(slot.start, service.timeZone || null);
  const name = el('input', { id: 'book-name', name: 'name', autocomplete: 'off', spellcheck: 'false', maxlength: '120',
    'aria-describedby': 'book-name-help' });
  const phone = el('input', { id: 'book-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'off',
    maxlength: '30', 'aria-describedby': 'book-phone-help' });
  const error = el('p', { class: 'error', id: 'book-error', role: 'alert', tabindex: '-1', hidden: true });
  const form = el('form', { class: 'kiosk-form', novalidate: true },
    el('p', { class: 'kiosk-lead' }, `${service.name} (${service.administration}) — ${when}`),
    el('label', { for: 'book-name' }, t('kiosk.bookName')), el('p', { class: 'hint', id: 'book-name-help' }, t('kiosk.bookNameHelp')),
    name,
    el('label', { for: 'book-phone' }, t('kiosk.bookPhone')), el('p', { class: 'hint', id: 'book-phone-help' }, t('kiosk.bookPhoneHelp')),
    phone, error,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'big', id: 'book-confirm' }, t('kiosk.bookConfirm')),
      el('button', { type: 'button', class: 'big secondary', onclick: () => reset() }, t('kiosk.back'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(form.querySelector('#book-confirm'), async () => {
      try {
        const booked = await kiosk('/api/visio/kiosk/appointments', { method: 'POST', headers: { 'Idempotency-Key': key },
          body: { serviceId: service.id, start: slot.start,
            citizen: phone.value.trim() ? { name: name.value, phone: phone.value } : { name: name.value } } });
        name.value = '';
        phone.value = '';
        showBooked(booked);
      } catch (e) {
        sayUnder(error, e);
      }
    });
  });
  show(t('kiosk.bookTitle'), form);
}

/**
 * Booked: her reference in large type, to write down or print ("Imprimer": the print stylesheet keeps only the ticket, a `convocation`:
 * service, day, time, place, reference); the SMS is on its way when she gave a mobile; if her slot is now, she checks in
 * at once.
 */
function showBooked(booked) {
  const a = booked.appointment;
  const checkIn = booked.checkInNow ? el('button', { type: 'button', class: 'big', id: 'check-in-now',
    onclick: (event) => whileSending(event.currentTarget, async () => {
      try {
        waiting(await kiosk('/api/visio/kiosk/check-in', { method: 'POST', body: { appointmentId: a.id } }));
      } catch (e) {
        if (e?.status !== 401) {
          showProblem(e);
        }
      }
    }) }, t('kiosk.checkInNow')) : null;
  const place = [day?.point?.name, day?.point?.commune].filter(Boolean).join(', ');
  const ticket = el('section', { class: 'card kiosk-ticket convocation', id: 'booked-ticket', 'aria-labelledby': 'ticket-title' },
    el('h2', { id: 'ticket-title' }, t('kiosk.ticketTitle')),
    el('dl', {},
      el('dt', {}, t('kiosk.ticketService')), el('dd', {}, `${a.serviceName} (${a.administration})`),
      el('dt', {}, t('kiosk.ticketWhen')), el('dd', {}, formatWhen(a.start, a.timeZone)),
      el('dt', {}, t('kiosk.ticketPlace')), el('dd', {}, place),
      el('dt', {}, t('kiosk.bookedReference')), el('dd', { class: 'kiosk-reference', id: 'booked-reference' }, booked.reference)));
  show(t('kiosk.bookedTitle'),
    el('p', { class: 'kiosk-lead', role: 'status' }, t('kiosk.bookedText', { when: formatWhen(a.start, a.timeZone),
      service: a.serviceName, administration: a.administration })),
    ticket,
    el('p', {}, t(booked.smsSent ? 'kiosk.bookedSms' : 'kiosk.bookedNoSms')),
    el('div', { class: 'actions' }, checkIn,
      el('button', { type: 'button', class: 'big secondary', id: 'print-ticket', onclick: () => window.print() }, t('kiosk.print')),
      el('button', { type: 'button', class: booked.checkInNow ? 'big secondary' : 'big', onclick: () => reset() }, t('kiosk.done'))));
}

function setUpFullscreen() {
  const button = document.getElementById('fullscreen');
  if (!document.fullscreenEnabled) {
    return;
  }
  button.hidden = false;
  button.addEventListener('click', () => {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      document.documentElement.requestFullscreen().catch(() => {});
    }
  });
}
