import { notJudged, request } from './api.js';
import { downloadWithLink, failure } from './booking.js';
import { formatClock, formatWhen, minutesInWords, t } from './i18n.js';
import { announce, el, setUpPage, whileSending } from './ui.js';

await setUpPage();
const box = document.getElementById('place');

// The link carries the place's secret after '#': it never reaches the server's logs.
const token = decodeURIComponent(location.hash.slice(1));
const id = token.split('.')[0];
// The mail's "Ne plus être sur la liste d'attente" link opens the page on that button.
const leaving = new URLSearchParams(location.search).has('quitter');
window.addEventListener('hashchange', () => location.reload());
show();

async function show(message = null) {
  let place;
  try {
    place = await request(`/api/visio/waiting-list/${id}`, { manageToken: token, anonymous: true });
  } catch (e) {
    if (notJudged(e)) {
      box.replaceChildren(failure(e, () => show(message), 'common.connectionLost'));
      return;
    }
    box.replaceChildren(el('div', { class: 'alert', role: 'alert', id: 'not-found' },
      el('p', {}, el('strong', {}, t('waiting.notFound'))),
      el('p', {}, el('a', { href: '/rendez-vous.html' }, t('manage.bookAgain')))));
    return;
  }
  const kept = keptBooking();
  if (place.state === 'booked' && kept) {
    // Reloaded after "Prendre ce rendez-vous" (a phone discards its tabs): her reference and link again.
    showBooked(kept);
    return;
  }
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const act = (button, path, after) => whileSending(button, async () => {
    error.hidden = true;
    try {
      after(await request(`/api/visio/waiting-list/${id}${path}`, { method: 'POST', manageToken: token, anonymous: true }));
    } catch (e) {
      error.textContent = e.message || t('common.error');
      error.hidden = false;
      error.focus();
    }
  });
  const open = place.state === 'waiting' || place.state === 'offered';
  const leave = open ? el('button', { type: 'button', class: 'secondary', id: 'leave' }, t('waiting.leave')) : null;
  leave?.addEventListener('click', () => act(leave, '/leave', () => show(t('waiting.left'))));
  const parts = [message ? el('p', { class: 'notice', id: 'outcome', role: 'status' }, message) : null,
    el('p', {}, t('waiting.service', { service: place.serviceName, administration: place.administration }))];
  if (place.state === 'offered') {
    const offer = place.offer;
    const take = el('button', { type: 'button', id: 'take' }, t('waiting.take'));
    const decline = el('button', { type: 'button', class: 'secondary', id: 'decline' }, t('waiting.decline'));
    take.addEventListener('click', () => act(take, '/take', (booked) => showBooked(booked)));
    decline.addEventListener('click', () => act(decline, '/decline', () => show(t('waiting.declined'))));
    parts.push(el('div', { class: 'card', id: 'offer' },
      el('h2', {}, t('waiting.offerTitle')),
      el('p', { class: 'notice' }, formatWhen(offer.start, offer.timeZone)),
      el('p', {}, offer.pointName ? t('waiting.atPoint', { point: offer.pointName, commune: offer.pointCommune })
        : t('booking.fromHome')),
      el('p', { id: 'time-left' }, t('waiting.timeLeft', { left: minutesInWords(offer.minutesLeft),
        until: formatClock(offer.expiresAt, offer.timeZone) })),
      error,
      el('div', { class: 'actions' }, take, decline)));
  } else if (place.state === 'waiting') {
    parts.push(el('p', { id: 'in-line' }, place.ahead === 0 ? t('waiting.first') : t('waiting.ahead', { n: place.ahead })),
      el('p', {}, t('waiting.willWrite')), error);
  } else {
    parts.push(el('p', { id: 'closed' }, t(`waiting.state.${place.state}`)),
      el('p', {}, el('a', { href: '/rendez-vous.html' }, t('manage.bookAgain'))));
  }
  if (leave) {
    parts.push(el('h2', {}, t('waiting.leaveTitle')), el('p', {}, t('waiting.leaveWhat')), leave);
  }
  // RGPD article 15: what Cantou holds about her place (her name and contacts, the offers made), as a file.
  const data = el('button', { type: 'button', class: 'secondary', id: 'download-data' }, t('waiting.downloadData'));
  data.addEventListener('click', () => whileSending(data, () => downloadWithLink(`/api/visio/waiting-list/${id}/personal-data`,
    token, 'liste-attente.json', 'data', data)));
  parts.push(el('h2', {}, t('waiting.dataTitle')), el('p', {}, t('waiting.dataWhat')), el('div', { class: 'actions' }, data));
  box.replaceChildren(...parts.filter(Boolean));
  if (message) {
    announce(message);
  }
  if (leaving && leave && !message) {
    leave.focus();
  }
}

/**
 * The booking this place became, kept for a reload of the tab: with a landline nothing else brings her its link. It
 * holds the appointment's manage token, a secret: in this tab's sessionStorage only (never localStorage, which other
 * tabs and later visitors of a shared computer read), under this place's id, shown only to a page that opened the place
 * with its own secret and found it booked.
 */
const KEPT = 'cantou.waiting.booked';

function keptBooking() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) || 'null');
    return kept?.placeId === id && kept.booked?.manageToken ? kept.booked : null;
  } catch (e) {
    return null;
  }
}

/** Taken: a booking like any other, with its reference and its manage link. */
function showBooked(booked) {
  try {
    sessionStorage.setItem(KEPT, JSON.stringify({ placeId: id, booked }));
  } catch (e) {
    // Storage refused: the confirmation lives as long as the page.
  }
  const link = `${location.origin}/rendez-vous.html?gerer#${booked.manageToken}`;
  const heading = el('h2', { tabindex: '-1', id: 'booked-title' }, t('booking.confirmed'));
  box.replaceChildren(heading,
    el('dl', { id: 'convocation' },
      el('dt', {}, t('manage.service')), el('dd', {}, `${booked.serviceName} — ${booked.administration}`),
      el('dt', {}, t('manage.when')), el('dd', {}, formatWhen(booked.start, booked.timeZone)),
      el('dt', {}, t('manage.where')), el('dd', {}, booked.pointName ? `${booked.pointName}, ${booked.pointCommune}`
        : t('booking.fromHome')),
      el('dt', {}, t('booking.referenceLabel')), el('dd', {}, el('strong', { id: 'reference' }, booked.reference))),
    el('p', { class: 'link' }, el('code', {}, link)),
    el('p', { class: 'hint' }, t(booked.citizen?.email ? 'booking.keepLink' : 'booking.keepLinkNoEmail')),
    el('p', {}, el('a', { class: 'button', href: link, id: 'manage-link' }, t('booking.manageLink'))));
  heading.focus();
  announce(t('booking.confirmedFor', { ref: booked.reference }));
}
