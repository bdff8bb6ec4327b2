import { notJudged, request, serverNow, untilHeard } from './api.js';
import { BookingWizard, downloadCalendar, failure } from './booking.js';
import { formatWhen, t } from './i18n.js';
import { plainMessage } from './form-errors.js';
import { setUpLostLink } from './lost-link.js';
import { minutesBefore } from './booking.js';
import { announce, appointmentQr, askThenSend, el, markBusy, setUpPage, showConnection, showError, siteConfig, statusLine,
  whileSending } from './ui.js';

await setUpPage();
// The help contact of this deployment (as in the footer): a bad link offers to call only when there is a number.
const site = await siteConfig();
const wizardBox = document.getElementById('wizard');
const manageBox = document.getElementById('manage');
const callBox = document.getElementById('call');

// The manage link carries its token after '#': it never reaches the server or its logs. The page as served says
// "Rendez-vous en visio" (neither booking nor managing: no inline script may decide before the scripts come).
const manageToken = decodeURIComponent(location.hash.slice(1));
if (manageToken.includes('.')) {
  showManage(manageToken);
} else if (/^[0-9a-f]{8}-/i.test(manageToken)) {
  // A link cut before its dot (the appointment's id alone): the bad link's explanation, not the booking.
  document.getElementById('page-title').textContent = t('manage.title');
  document.title = t('title.manage');
  wizardBox.hidden = true;
  manageBox.hidden = false;
  showBadLink();
} else {
  document.title = t('title.booking');
  nameTheBookingOnceTheServedStepGoes();
  // #lien-perdu: a short link of an SMS that no longer works (renewed, or too old) sent the citizen here;
  // #retrouver: the home page's "lost the link?". Then why and the form to get a new link come first, above the
  // booking, with the keyboard and the scroll: the booking's first step, loading after, takes neither.
  const lost = manageToken === 'lien-perdu' || manageToken === 'retrouver';
  if (lost) {
    wizardBox.before(document.getElementById('lien-perdu'));
  }
  new BookingWizard(wizardBox, { history: true }).start({ focus: !lost });
  setUpLostLink({ expired: manageToken === 'lien-perdu', open: manageToken === 'retrouver' });
}
window.addEventListener('hashchange', () => location.reload());

/**
 * The heading says "Prendre rendez-vous en visio" — but not over the first step as served, which she may be pressing
 * while the scripts come: longer than the page's neutral heading, it takes a second line on a phone and would move
 * every service down under her finger. It changes when that step goes (her press, another language).
 */
function nameTheBookingOnceTheServedStepGoes() {
  const name = () => { document.getElementById('page-title').textContent = t('booking.title'); };
  if (!wizardBox.querySelector('form.served-step')) {
    name();
    return;
  }
  const watching = new MutationObserver(() => {
    if (!wizardBox.querySelector('form.served-step')) {
      watching.disconnect();
      name();
    }
  });
  watching.observe(wizardBox, { childList: true });
}

/** A bad, cut, old or renewed link: what happened, and what to do now (a new link, or a new booking). */
function showBadLink() {
  manageBox.replaceChildren(el('div', { class: 'alert', role: 'alert', id: 'not-found', tabindex: '-1' },
    el('p', {}, el('strong', {}, t('manage.notFound'))), el('p', {}, t('manage.notFoundWhat')),
    el('p', {}, t('manage.notFoundNewLink')), helpLine(),
    el('p', {}, el('a', { href: '/rendez-vous.html', id: 'book-again' }, t('manage.bookAgain')))));
  setUpLostLink({ open: true });
}

/**
 * "Besoin d'aide ? Appelez le … ou écrivez à …" with the deployment's help contact as links: calling is offered only
 * when a number is configured (none: only the address; neither: no line, the form above is the way).
 */
function helpLine() {
  const phone = site?.helpPhone;
  const email = site?.helpEmail;
  const key = phone ? (email ? 'manage.notFoundCallOrWrite' : 'manage.notFoundCall') : email ? 'manage.notFoundWrite' : null;
  if (!key) {
    return null;
  }
  const links = {
    phone: () => el('a', { href: `tel:${phone.replace(/[^+\d]/g, '')}` }, phone.replace(/ /g, '\u00A0')),
    email: () => el('a', { href: `mailto:${email}` }, email),
  };
  // The sentence's {phone} and {email} become links; the words around them stay as translated.
  return el('p', { id: 'not-found-help' }, ...t(key).split(/\{(phone|email)\}/).map((part, i) => (i % 2 ? links[part]() : part)));
}

async function showManage(token) {
  const id = token.split('.')[0];
  document.getElementById('page-title').textContent = t('manage.title');
  document.title = t('title.manage');
  wizardBox.hidden = true;
  manageBox.hidden = false;
  // Until her appointment is drawn, said: on a slow link the page's loading line went with the scripts, seconds
  // before the appointment came, and left her a heading alone.
  manageBox.replaceChildren(statusLine({ class: 'notice', id: 'manage-loading' }, t('manage.loading')));
  let appointment;
  // Her code to scan at the point's screen: asked for once, then kept across renders (a live event re-renders).
  let qrCode = null;
  // What only this page needs (the call, the device check, the socket) comes now, with the appointment: a booking
  // never waits for it on a slow link.
  const loading = Promise.all([import('./call.js'), import('./device-check.js'), import('./realtime.js')]);
  loading.catch(() => {});
  try {
    appointment = await request(`/api/visio/appointments/${id}`, { manageToken: token, anonymous: true });
  } catch (e) {
    if (notJudged(e)) {
      // No answer, too many, or a server away (a proxy's 502 while the nodes restart): the link may be good, the
      // connection or the server is not. Said so, with "Réessayer": never "this link opens nothing", which sent her to
      // replace a good link.
      manageBox.replaceChildren(failure(e, () => showManage(token), 'common.connectionLost'));
      return;
    }
    showBadLink();
    return;
  }
  let modules;
  try {
    modules = await loading;
  } catch (e) {
    // A script lost on the way stays lost for this page (the browser keeps the failure): "Réessayer" loads it again.
    manageBox.replaceChildren(failure({ status: 0 }, () => location.reload(), 'common.connectionLost'));
    return;
  }
  const [{ openCall, prepareCallIfNear }, { deviceCheck }, { connect }] = modules;
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const waiting = el('p', { class: 'notice', id: 'waiting', role: 'status', hidden: true });
  // What the last action did, next to the actions: seen, not only heard.
  const outcome = el('div', { class: 'notice', id: 'outcome', role: 'status', tabindex: '-1', hidden: true });
  const tell = (...content) => {
    outcome.replaceChildren(...content);
    outcome.hidden = false;
    outcome.focus();
  };
  const details = el('div', {});
  // Kept across renders: re-rendering must not cut a running camera preview.
  const devices = deviceCheck();
  manageBox.replaceChildren(details, devices.node);
  let inCall = false;
  // Between her press on "Rejoindre" and the room: drawn again meanwhile (the agent came), the button stays busy.
  let joining = false;
  let openingTimer = null;

  // What the appointment's view last showed: drawn again only when it changes.
  let shown = null;
  // The room not yet open at the last render: its opening is said once, when it comes (a screen reader heard nothing of
  // "Rejoindre la visio" becoming pressable, r18).
  let wasNotYet = false;
  const render = () => {
    const a = appointment;
    const open = a.status === 'booked' || a.status === 'in_call';
    // By the server's clock: hers may be 20 minutes slow (a mairie's PC), or an hour fast.
    const now = serverNow();
    const opensAt = new Date(a.joinOpensAt).getTime();
    // The agent in the room (her socket said so): the room is open, whatever the clocks say.
    const agentIn = a.status === 'in_call';
    // Past its end, a call under way (or her wait in the room) is still joined for a while: the server says until when.
    const over = !agentIn && now > new Date(a.joinClosesAt || a.end).getTime();
    const canJoin = open && (agentIn || (now >= opensAt && !over));
    const notYet = open && !canJoin && now < opensAt;
    if (wasNotYet && canJoin && !agentIn && !inCall) {
      // The agent come first is said by changed() ("L'agent vous attend"): not twice.
      announce(t('manage.roomOpen'));
    }
    wasNotYet = notYet;
    // Her room near: its video script comes now (15 s on a 60 kbit/s link), not after her press on "Rejoindre".
    prepareCallIfNear([a], now);
    devices.node.hidden = !open || over || inCall;
    // Drawn again at the opening, and at the closing: "Rejoindre" never stays pressable on a closed room (the end of a
    // call under way comes as an event).
    scheduleOpening(notYet ? opensAt - now : canJoin && !agentIn ? new Date(a.joinClosesAt || a.end).getTime() - now : null);
    // The tab coming back, the page's focus, the minute's check, an event that changes nothing she sees: the buttons
    // stay the ones she may be pressing ("Connexion…" kept busy, a tap begun on one not lost to its double).
    const view = JSON.stringify([a.status, a.start, a.end, a.joinOpensAt, a.serviceName, a.administration, a.pointName,
      a.pointCommune, a.timeZone, a.reference, canJoin, notYet, over, joining, inCall]);
    if (view === shown) {
      return;
    }
    shown = view;
    // A live event re-renders (the agent came, the citizen's own "left"): what had the focus keeps it, the message
    // kept across renders itself, a button (made anew) by its id. Lost, the keyboard would fall back to the page's top.
    const focused = document.activeElement;
    const focusedId = focused && details.contains(focused) ? focused.id : '';
    details.replaceChildren(...[
      el('p', { class: 'notice' }, t('booking.reference'), ' ', el('strong', {}, a.reference)),
      // At a point only: a screen checks in only its own point's appointments. At home, 230 px of a code she cannot use
      // pushed "Rejoindre la visio" below the first screen of a phone.
      open && a.pointName ? el('div', { class: 'convocation' }, qrCode = qrCode || appointmentQr(a.id, token, a.reference)) : null,
      el('dl', {},
        el('dt', {}, t('manage.service')), el('dd', {}, `${a.serviceName} — ${a.administration}`),
        el('dt', {}, t('manage.when')), el('dd', {}, formatWhen(a.start, a.timeZone)),
        el('dt', {}, t('manage.where')), el('dd', {}, a.pointName ? `${a.pointName}, ${a.pointCommune}` : t('booking.fromHome')),
        el('dt', {}, t('manage.status')), el('dd', {}, t(`appointment.${a.status}`))),
      outcome, error,
      // The agent in the room before her: said where she looks, beside "Rejoindre la visio".
      a.status === 'in_call' && canJoin && !inCall ? el('p', { class: 'notice', id: 'agent-waiting' }, t('manage.agentWaiting')) : null,
      !open ? el('p', { class: 'notice', id: 'closed', tabindex: '-1' }, t(`manage.closed.${a.status}`), ' ',
        el('a', { href: '/rendez-vous.html' }, t('manage.bookAgain'))) : null,
      open ? el('div', { class: 'actions' },
        // "Connexion…" (busy, no action) while the room comes: a second tap joins nothing twice. aria-disabled, not
        // disabled: the keyboard, given back to it by its id, stays on it.
        canJoin && joining ? markBusy(el('button', { type: 'button', id: 'join' }, t('common.connecting')), true)
          : canJoin ? el('button', { type: 'button', id: 'join', onclick: (event) => whileSending(event.currentTarget, join, 'common.connecting') },
            t('manage.join'))
          : el('button', { type: 'button', id: 'join', disabled: true, 'aria-describedby': 'opens-at' }, t('manage.join')),
        a.status === 'booked' ? el('button', { type: 'button', class: 'secondary', id: 'change-date',
          onclick: (event) => whileSending(event.currentTarget, change) }, t('manage.change')) : null,
        // Asked first, then busy while it goes: a second press sends nothing (it showed three contradictory messages).
        a.status === 'booked' ? el('button', { type: 'button', class: 'danger', id: 'cancel',
          onclick: (event) => askThenSend(event.currentTarget, t('manage.confirmCancel'), cancel,
            { yes: t('manage.cancelYes'), no: t('manage.cancelNo') }) }, t('manage.cancel')) : null,
        el('button', { type: 'button', class: 'secondary', onclick: (event) => downloadCalendar(a.id, token, event.currentTarget) },
          t('booking.addToCalendar')))
        : null,
      // Before the opening as after it, a line as tall as the taller of its two texts (the other one kept, unseen, in
      // the same place): gone, or one line longer, it moved "Tester micro et caméra" under her finger.
      notYet || canJoin ? openingLine(notYet, { when: formatWhen(a.joinOpensAt, a.timeZone), minutes: minutesBefore(a) }) : null,
      open && over ? el('p', { id: 'opens-at' }, t('manage.over')) : null].filter(Boolean));
    if (focused && focused !== document.activeElement && details.contains(focused)) {
      focused.focus();
    } else if (focusedId && !details.contains(focused)) {
      // The button she was on is gone (cancelled by her administration): the keyboard goes to what replaced it.
      (document.getElementById(focusedId) || document.getElementById('closed') || document.getElementById('join'))?.focus();
    }
  };

  function openingLine(notYet, words) {
    const [shown, kept] = notYet ? ['manage.opensAt', 'manage.openedAt'] : ['manage.openedAt', 'manage.opensAt'];
    return el('p', { class: 'notice same-place' }, el('span', { id: 'opens-at' }, t(shown, words)),
      el('span', { class: 'place-keeper', 'aria-hidden': 'true' }, t(kept, words)));
  }

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
    joining = true;
    try {
      const info = await request(`/api/visio/appointments/${id}/join`, { manageToken: token, anonymous: true });
      const presence = (state, options = {}) => request(`/api/visio/appointments/${id}/presence`, { method: 'POST',
        manageToken: token, anonymous: true, body: { state }, ...options });
      devices.stop();
      inCall = true;
      devices.node.hidden = true;
      // In Jitsi's room now (its "joined" came, no "left" or failure since).
      let inRoom = false;
      await openCall(callBox, info, {
        // In the call's panel, under its buttons: shown when she is in, it moves none of them.
        status: waiting,
        // "En salle d'attente" only once Jitsi says she is really in the room. Said again until the server has it: lost
        // once on her weak link, the agent saw her "pas en salle d'attente" (and could mark her absent) while she waited.
        onJoined: async () => {
          inRoom = true;
          try {
            appointment = await untilHeard(() => presence('waiting'), () => inRoom);
          } catch (e) {
            return;
          }
          if (inRoom) {
            waiting.textContent = appointment.agentJoined ? t('manage.agentHere') : t('manage.waiting');
            waiting.hidden = false;
          }
        },
        onLeft: () => {
          inRoom = false;
          waiting.hidden = true;
          presence('left', { keepalive: true }).catch(() => {});
        },
        // The agent is told at once that her video did not open: she calls her instead of marking her absent.
        onFailed: () => {
          inRoom = false;
          waiting.hidden = true;
          presence('failed', { keepalive: true }).catch(() => {});
        },
        // Left: "Tester micro et caméra" comes back (it was gone until a reload).
        onClosed: () => {
          inCall = false;
          render();
          return document.getElementById('join');
        },
        fallback: () => el('p', {}, appointment.citizen?.phone
          ? t('call.citizenByPhone', { phone: appointment.citizen.phone.replace(/ /g, '\u00A0') }) : t('call.citizenCallService')),
      });
    } catch (e) {
      // Not in a call (the room's settings could not be read): "Tester micro et caméra" is hers again.
      inCall = false;
      devices.node.hidden = false;
      showError(error, e);
    } finally {
      // A button drawn busy meanwhile is drawn again as it is now; one never drawn again, whileSending gives back.
      joining = false;
      render();
    }
  }

  async function cancel() {
    error.hidden = true;
    try {
      appointment = await request(`/api/visio/appointments/${id}/cancel`, { method: 'POST', manageToken: token, anonymous: true });
      render();
      tell(el('p', {}, t('manage.cancelled')));
    } catch (e) {
      showError(error, e);
    }
  }

  async function change() {
    const wizard = new BookingWizard(wizardBox);
    try {
      wizard.services = await request('/api/visio/services', { anonymous: true });
    } catch (e) {
      showError(error, e);
      return;
    }
    wizard.choice.service = wizard.services.find((s) => s.id === appointment.serviceId);
    if (!wizard.choice.service) {
      // Withdrawn since she booked: her appointment is honoured where it is, no other date is offered.
      tell(el('p', {}, t('manage.noLongerOffered')));
      return;
    }
    wizard.choice.point = appointment.pointId ? { id: appointment.pointId, name: appointment.pointName } : null;
    wizardBox.hidden = false;
    manageBox.hidden = true;
    const pick = (slot) => confirmMove(slot);
    // Choosing no new date leaves the appointment as it is; the keyboard goes back to "Changer la date".
    pick.keep = pickKeep;
    await wizard.showSlots(0, pick);
  }

  /** "Garder la date actuelle": the page as it was, the keyboard back on "Changer la date". */
  const pickKeep = () => {
    backToManage();
    document.getElementById('change-date')?.focus();
  };

  const backToManage = () => {
    wizardBox.hidden = true;
    manageBox.hidden = false;
    render();
  };

  const move = (start) => request(`/api/visio/appointments/${id}/reschedule`, { method: 'POST', manageToken: token,
    anonymous: true, body: { start } });

  /** Moving asks first, then says where it went and offers to undo it. */
  function confirmMove(slot) {
    const problem = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
    const yes = el('button', { type: 'button', id: 'confirm-move' }, t('manage.confirmMove'));
    const heading = el('h2', { tabindex: '-1' }, t('manage.moveTitle'));
    yes.addEventListener('click', () => whileSending(yes, async () => {
      const previous = appointment.start;
      try {
        appointment = await move(slot.start);
      } catch (e) {
        showError(problem, e);
        return;
      }
      backToManage();
      const undo = el('button', { type: 'button', class: 'secondary', id: 'undo-move' }, t('manage.undoMove'));
      undo.addEventListener('click', () => whileSending(undo, async () => {
        try {
          appointment = await move(previous);
          render();
          tell(el('p', {}, t('manage.moveUndone', { when: formatWhen(appointment.start, appointment.timeZone) })));
        } catch (e) {
          // Lost on the way, the undo stays beside "Réessayez": the old date is hers again by one more press. Refused
          // (her old slot taken meanwhile), it goes: pressing it again would be refused again.
          tell(el('p', { class: 'error' }, plainMessage(e)), notJudged(e) ? undo : '');
        }
      }));
      tell(el('p', {}, t('manage.changed', { when: formatWhen(appointment.start, appointment.timeZone) })), undo);
    }));
    wizardBox.replaceChildren(heading,
      el('p', {}, t('manage.moveFromTo', { from: formatWhen(appointment.start, appointment.timeZone),
        to: formatWhen(slot.start, appointment.timeZone) })), problem,
      el('div', { class: 'actions' }, yes,
        el('button', { type: 'button', class: 'secondary', onclick: pickKeep }, t('manage.keepDate'))));
    heading.focus();
  }

  const linkGone = () => {
    document.getElementById('offline')?.setAttribute('hidden', '');
    showBadLink();
    document.getElementById('not-found')?.focus();
  };

  /**
   * What someone else changed, from an event or a snapshot: drawn, and said — a cancellation or a move by her
   * administration, the agent come into the room (in it with her: the waiting line says it, itself a status region;
   * not yet in it: where she looks, to join now). Her own changes came with their answers: nothing new to say.
   */
  const changed = (after) => {
    const before = appointment;
    appointment = { ...appointment, ...after };
    const a = appointment;
    if (a.status === 'cancelled' && before.status !== 'cancelled') {
      announce(t('manage.cancelledForYou'));
    } else if (a.start !== before.start) {
      announce(t('manage.movedForYou', { when: formatWhen(a.start, a.timeZone) }));
    } else if (a.status === 'in_call' && before.status !== 'in_call') {
      if (inCall) {
        waiting.textContent = t('manage.agentHere');
      } else {
        announce(t('manage.agentWaiting'));
      }
    }
    render();
  };

  render();
  connect({
    token,
    // The link renewed (a new one went to her mail or phone) or expired while the page was open: what to do now.
    onStatus: (status) => (status === 'unauthorized' ? linkGone() : showConnection(status)),
    // Back after a long sleep (more events missed than are replayed): the server sends where it stands instead.
    onSnapshot: (snapshot) => {
      const now = (snapshot.appointments || []).find((x) => x.id === id);
      if (now) {
        changed(now);
      }
    },
    onEvent: (event) => {
      if (event.kind.startsWith('appointment.') && event.data.id === id) {
        changed(event.data);
      }
    },
  });
}
