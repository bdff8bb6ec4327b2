import { notJudged, request, retryDelay } from './api.js';
import { openCall, prepareCall } from './call.js';
import { deviceCheck } from './device-check.js';
import { t } from './i18n.js';
import { plainMessage } from './form-errors.js';
import { announce, el, setUpPage, whileSending } from './ui.js';

/**
 * The page of a guest of a teleconsultation (an interpreter, a relative, the resident's regular GP):
 * who invites her and as what, her microphone and camera tried, and the room entered while the call
 * runs. It never shows the resident's data: the server gives it none.
 */
await setUpPage();
const box = document.getElementById('invitation');
const callBox = document.getElementById('call');
const devicesBox = document.getElementById('devices');
/** While the call has not started, the page asks again this often (a guest waits with the page open). */
const CHECK_EVERY_MS = 20000;

// The link carries the request's id and the guest's secret after '#': neither reaches the server's logs.
const [id, secret] = decodeURIComponent(location.hash.slice(1)).split('.');
window.addEventListener('hashchange', () => location.reload());
const headers = { 'X-Guest-Token': secret || '', 'X-Guest-Device': browserKey() };
let devices = null;
let timer = null;
let lastState = null;
// Checks in a row that got no answer: the next one waits longer (retryDelay).
let failedChecks = 0;
// The invitation as the box last showed it; null when the box shows something else (a failure, a bad link).
let shownView = null;

if (!/^[0-9a-f-]{36}$/i.test(id || '') || !secret) {
  showBadLink();
} else {
  show();
}

/**
 * This browser's key for this invitation: made once (256 random bits) and kept in localStorage under a name of its
 * own (the request's id): the first browser to open a link keeps it; the key exists before the first request, so a
 * reload, another tab of the same browser, or a retry after an answer lost on a weak connection is still this browser
 * (docs/security.md, "One browser per link"). One key per invitation, so the stored hashes of invitations for different
 * residents opened in one browser are unrelated. Where storage is refused, the key lives as long as the page.
 */
function browserKey() {
  const name = `cantou.invitation.browser.${id}`;
  const fresh = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (!/^[0-9a-f-]{36}$/i.test(id || '')) {
    return fresh(); // a bad link: nothing stored
  }
  try {
    localStorage.removeItem('cantou.invitation.browser'); // the one key every invitation shared before
    let key = localStorage.getItem(name);
    if (!/^[A-Za-z0-9_-]{22,128}$/.test(key || '')) {
      key = fresh();
      localStorage.setItem(name, key);
    }
    return key;
  } catch {
    return fresh();
  }
}

function showBadLink() {
  shownView = null;
  box.replaceChildren(el('div', { class: 'alert', role: 'alert', id: 'bad-link' },
    el('p', {}, el('strong', {}, t('guests.badLink'))), el('p', {}, t('guests.badLinkWhat'))));
}

/** The link was opened first in another browser: it opens only there; what to do instead. */
function showElsewhere() {
  clearTimeout(timer);
  devices?.stop();
  devices = null;
  devicesBox.replaceChildren();
  shownView = null;
  box.replaceChildren(el('div', { class: 'alert', role: 'alert', id: 'elsewhere' },
    el('p', {}, el('strong', {}, t('guests.elsewhere'))), el('p', {}, t('guests.elsewhereWhat'))));
}

async function show({ checkedByHand = false } = {}) {
  clearTimeout(timer);
  let invitation;
  try {
    invitation = await request(`/api/teleconsultations/${id}/invitation`, { anonymous: true, headers });
    failedChecks = 0;
  } catch (e) {
    if (notJudged(e)) {
      // Asked again by itself soon (1 s, 2 s, 4 s…), then every 20 s once answered: replaced by "Connexion perdue" with
      // no timer left, her page never told her the call began while the doctor and the nurse waited for her (r18).
      timer = setTimeout(() => show(), retryDelay(failedChecks, e));
      failedChecks += 1;
      if (!checkedByHand && (shownView !== null || box.querySelector('#load-failed'))) {
        // A check in the background: what she sees stays (the invitation, true a moment ago; or the failure, not said
        // again at every try).
        return;
      }
      // Her own check, or the first: said, with "Réessayer".
      const retry = el('button', { type: 'button', id: 'retry',
        onclick: (event) => whileSending(event.currentTarget, () => show({ checkedByHand: true })) }, t('common.retry'));
      shownView = null;
      box.replaceChildren(el('div', { class: 'alert', role: 'alert', id: 'load-failed' },
        el('p', {}, plainMessage(e)), retry));
      return;
    }
    if (e.status === 409) {
      showElsewhere();
      return;
    }
    showBadLink();
    return;
  }
  const changed = lastState !== null && lastState !== invitation.call;
  lastState = invitation.call;
  // As shown already (most checks while she waits): left as it is, its "Vérifier" not drawn anew under her finger.
  const view = JSON.stringify(invitation);
  if (view === shownView && !checkedByHand) {
    if (invitation.call === 'waiting') {
      timer = setTimeout(() => show(), CHECK_EVERY_MS);
    }
    return;
  }
  shownView = view;
  const who = invitation.invitedBySide === 'doctor'
    ? t('guests.doctorFor', { organisation: invitation.organisationName })
    : t('guests.nurseOf', { organisation: invitation.organisationName });
  const parts = [
    el('p', { id: 'invited-by' }, t('guests.invitesYou', { by: invitation.invitedByName, who,
      role: t(`guests.roles.${invitation.role}`) })),
    el('p', { class: 'muted' }, t('guests.noData')),
  ];
  // Waiting, running or over are news, not faults: only a withdrawn invitation is said as a problem.
  const state = el('div', { id: 'call-state', class: invitation.call === 'revoked' ? 'alert' : 'notice', role: 'status' });
  if (invitation.call === 'waiting' || invitation.call === 'open') {
    // Her call is near: its video script comes now, not after her press on "Rejoindre l'appel".
    prepareCall();
  }
  if (invitation.call === 'waiting') {
    const check = el('button', { type: 'button', class: 'secondary', id: 'check-again' }, t('guests.check'));
    check.addEventListener('click', () => whileSending(check, () => show({ checkedByHand: true })));
    state.append(el('p', {}, el('strong', {}, t('guests.waiting'))), el('p', {}, t('guests.waitingWhat')),
      el('div', { class: 'actions' }, check));
    timer = setTimeout(() => show(), CHECK_EVERY_MS);
  } else if (invitation.call === 'open') {
    const join = el('button', { type: 'button', id: 'join' }, t('guests.join'));
    const error = el('p', { class: 'error', role: 'alert', hidden: true });
    join.addEventListener('click', () => whileSending(join, () => enter(error), 'common.connecting'));
    state.append(el('p', {}, el('strong', {}, t('guests.open'))), el('div', { class: 'actions' }, join), error);
  } else {
    const ended = invitation.call === 'ended';
    state.append(el('p', {}, el('strong', {}, t(ended ? 'guests.ended' : 'guests.revoked'))),
      el('p', {}, t(ended ? 'guests.endedWhat' : 'guests.revokedWhat')));
  }
  box.replaceChildren(...parts, state);
  const closed = invitation.call === 'ended' || invitation.call === 'revoked';
  if (closed) {
    devices?.stop();
    devicesBox.replaceChildren();
    devices = null;
  } else if (!devices) {
    // Kept across checks: asking again must not cut a running camera preview.
    devices = deviceCheck({ title: t('guests.deviceTitle') });
    devicesBox.replaceChildren(devices.node);
  }
  if (changed || checkedByHand) {
    announce(box.querySelector('#call-state strong').textContent);
  }
  if (checkedByHand && invitation.call === 'open') {
    box.querySelector('#join').focus();
  }
}

async function enter(error) {
  let info;
  try {
    info = await request(`/api/teleconsultations/${id}/invitation/join`, { method: 'POST', anonymous: true, headers });
  } catch (e) {
    if (e.status === 409) {
      // The call ended (or was withdrawn) meanwhile, or the link is another browser's: the page says where it stands now.
      await show({ checkedByHand: true });
      return;
    }
    error.textContent = plainMessage(e);
    error.hidden = false;
    return;
  }
  devices?.stop();
  await openCall(callBox, info, {
    // She left the room: the page says where the call stands (she may go back in while it runs).
    onClosed: () => {
      show();
      return null;
    },
  });
}

window.addEventListener('pagehide', () => clearTimeout(timer));
