import { request } from './api.js';
import { currentLanguage, t } from './i18n.js';
import { international } from './contact.js';
import { el } from './ui.js';

let publicConfig = null;

/** The pauses before entering again a room that dropped (ms): a few attempts, further apart, then "Réessayer". */
const RECONNECT_DELAYS = [1000, 4000, 10000];

/** After this long without the Jitsi script, she is told it is still on its way (ms). */
const SLOW_SCRIPT_AFTER = 8000;
/**
 * After this long without the script, and without its error, the video server is judged out of reach (ms). The script
 * is ~110 kB: 15 s at 60 kbit/s alone, and a fixed 15 s told her the server could not be reached while it was arriving.
 * 90 s leaves room for a link of some 10 kbit/s; a server that refuses or is down says so at once (the script's error).
 */
const SCRIPT_GIVE_UP_AFTER = 90000;

/** The Jitsi script on its way ({ script, arrived }): one load for the page, begun early by prepareCall(), or null. */
let scriptLoad = null;
/**
 * Loads given up after the long bound. The browser joins a new script of the same address to a request still stalled
 * (its memory cache): after one, the address differs, so that "Réessayer" really asks again.
 */
let givenUp = 0;

export function config() {
  if (!publicConfig) {
    // Through request(): a dropped link or a proxy's page is said in her language, never "Failed to fetch". The
    // promise is kept (prepareCall and openCall ask once); a failure is not, so that the next press asks again.
    publicConfig = request('/api/config', { anonymous: true });
    publicConfig.catch(() => { publicConfig = null; });
  }
  return publicConfig;
}

function loadScript(origin) {
  if (!scriptLoad) {
    const script = document.createElement('script');
    script.src = `${origin}/external_api.js${givenUp ? `?again=${givenUp}` : ''}`;
    script.async = true;
    const load = { script };
    load.arrived = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = () => reject(new Error('unreachable'));
    });
    // A failed load leaves nothing behind, so that "Réessayer" loads the script afresh.
    load.arrived.catch(() => forgetScript(load));
    scriptLoad = load;
    document.head.append(script);
  }
  return scriptLoad;
}

function forgetScript(load) {
  if (scriptLoad === load) {
    scriptLoad = null;
  }
  load.script.remove();
}

/**
 * Starts loading the Jitsi script as soon as a page knows a call is near (her appointment's room open, a consultation
 * taken, an invitation's call about to run): on a 60 kbit/s link its ~110 kB take 15 s, which then pass before she
 * presses "Rejoindre", not after. Silent: a failure here is tried again, and said, by her press.
 */
export function prepareCall() {
  if (window.JitsiMeetExternalAPI || scriptLoad) {
    return;
  }
  config().then((settings) => loadScript(settings.jitsiOrigin).arrived).catch(() => {});
}

/** How long before a room opens its script is loaded (ms): a page's minute check of its list finds it in time. */
const PREPARE_BEFORE_OPENING = 10 * 60 * 1000;

/** prepareCall() when the room of one of these appointments is open, or opens within ten minutes (by `now`). */
export function prepareCallIfNear(appointments, now) {
  const near = (a) => (a.status === 'booked' || a.status === 'in_call')
    && new Date(a.joinOpensAt).getTime() - PREPARE_BEFORE_OPENING <= now && now <= new Date(a.joinClosesAt || a.end).getTime();
  if (appointments.some(near)) {
    prepareCall();
  }
}

/**
 * The Jitsi script, for a press on "Rejoindre": the load begun early if there is one. `onSlow` after a few seconds
 * without it (her link is slow: she is told it is coming); out of reach on its error, or after the long bound (then
 * the load is given up, and the next attempt begins afresh).
 */
function loadExternalApi(origin, onSlow) {
  if (window.JitsiMeetExternalAPI) {
    return Promise.resolve();
  }
  const load = loadScript(origin);
  return new Promise((resolve, reject) => {
    const slow = setTimeout(onSlow, SLOW_SCRIPT_AFTER);
    const giveUp = setTimeout(() => {
      clearTimeout(slow);
      givenUp += 1;
      forgetScript(load);
      reject(new Error('timeout'));
    }, SCRIPT_GIVE_UP_AFTER);
    const settled = () => {
      clearTimeout(slow);
      clearTimeout(giveUp);
    };
    load.arrived.then(() => { settled(); resolve(); }, (e) => { settled(); reject(e); });
  });
}

/**
 * Embeds the Jitsi room in `container` with settings for weak rural links: 360p at most,
 * the device check before entering, and a switch to audio only. `onJoined` is called only when
 * Jitsi says this person is really in the room (`videoConferenceJoined`), `onLeft` when she
 * leaves. When the video server cannot be reached, no black box: a plain message that does not
 * blame the person's connection (this page did load), "Réessayer", and `fallback()`, the way to
 * go on by phone. `renew()`, when given, brings fresh join information each time she enters again
 * (audio only, "Réessayer"): a room token is short-lived, and the server gives one only while
 * she still has the right to the room.
 *
 * A call that fails under her (Jitsi's fatal error: the link dropped and its own reconnection
 * was refused, its token expired) is entered again by itself: "Reconnexion…", fresh join
 * information (`renew()`), the room reopened, a few times further apart, then the "Réessayer" of
 * an unreachable server. A room left without an error is hers or a moderator's doing (Jitsi's
 * own hang-up button, being removed): never entered again by itself, nor after this page's
 * hang-up, nor once the page closed the call (`close()`: the item given back, closed or moved);
 * a refusal of the server (no right to the room any more) is said, and ends it.
 *
 * `onFailed`, when given, is told each time the room could not be entered and "Réessayer" is offered (the page tells
 * the other side, who then calls instead of waiting). `onLeft` is given `{ dropped: true }` when the room dropped under
 * her: entered again by itself, or `onFailed` follows.
 *
 * `status`, when given, is the page's own line about the call ("en salle d'attente"): shown in the panel, under its
 * buttons, where its coming and going moves none of them.
 */
/** What /join answers when the room is no longer hers: said, and the call not entered again. */
const REFUSALS = new Set([401, 403, 404, 409, 410]);

export async function openCall(container, join, { onJoined, onLeft, onFailed, onClosed, fallback, renew, status } = {}) {
  // Where the keyboard was (the join button): it goes back there when she leaves the call.
  const opener = document.activeElement;
  const settings = await config();
  container.replaceChildren();
  const message = el('p', { class: 'notice', role: 'status' }, t('call.connecting'));
  const problem = el('div', { class: 'alert', role: 'alert', hidden: true });
  const frame = el('div', { class: 'frame', hidden: true });
  const audioOnly = el('button', { type: 'button', class: 'secondary' }, t('call.audioOnly'));
  const hangUp = el('button', { type: 'button', class: 'danger' }, t('call.leave'));
  // The buttons first, under the heading: what comes and goes below them (the room, seconds after on a slow link;
  // "Reconnexion…"; the server unreachable) never moves them from under a finger about to press one.
  container.append(el('h2', { tabindex: '-1' }, t('call.title')), el('div', { class: 'actions' }, audioOnly, hangUp),
    message, ...(status ? [status] : []), problem, frame);
  container.hidden = false;
  container.querySelector('h2').focus();

  let api = null;
  let startAudioOnly = false;
  let joined = false;
  let entered = false;
  // Her own hang-up, or the page ended the call: nothing enters again by itself.
  let ended = false;
  // Attempts to enter again since she was last in the room, and the one waiting.
  let attempts = 0;
  let reconnecting = null;
  // Each entering counted: one overtaken while the script was coming (her "audio seulement" meanwhile) opens nothing.
  let starts = 0;
  // With nothing to switch to, "audio seulement" is withheld: out of sight, of the keyboard and of screen readers, its
  // place kept so that "Quitter l'appel" beside it stays where it was. The keyboard on it goes to the heading.
  const offerAudioOnly = (offered) => {
    if (!offered && document.activeElement === audioOnly) {
      container.querySelector('h2').focus();
    }
    audioOnly.classList.toggle('withheld', !offered);
  };
  const start = async ({ again = false } = {}) => {
    // Left (her hang-up, Jitsi's own, the page's close): a late press of "audio seulement" enters nothing.
    if (ended) {
      return;
    }
    problem.hidden = true;
    message.hidden = false;
    offerAudioOnly(true);
    message.textContent = again ? t('call.reconnecting', { n: attempts, of: RECONNECT_DELAYS.length }) : t('call.connecting');
    if (entered && renew) {
      try {
        join = await renew();
      } catch (e) {
        if (!REFUSALS.has(e.status)) {
          // No answer (a weak link), the server busy or any other hitch: not a refusal. After a drop another attempt
          // later; entering again by hand (audio only, "Réessayer"), the way to try again and to go on by phone.
          if (again) {
            dropped();
          } else {
            unreachable();
          }
          return;
        }
        // No right to the room any more (given back, closed): said, and no way back in from here.
        ended = true;
        frame.hidden = true;
        message.hidden = true;
        offerAudioOnly(false);
        problem.replaceChildren(el('p', {}, el('strong', {}, e.message)));
        problem.hidden = false;
        return;
      }
    }
    if (ended) {
      return;
    }
    entered = true;
    const attempt = ++starts;
    try {
      // Slow to come on her link: said, in the status line, while it comes (not judged unreachable).
      await loadExternalApi(settings.jitsiOrigin, () => { message.textContent = t('call.stillLoading'); });
    } catch (e) {
      if (ended || attempt !== starts) {
        return;
      }
      if (again) {
        dropped();
      } else {
        unreachable({ tooSlow: e.message === 'timeout' });
      }
      return;
    }
    // Left, or entered again, while the script came (up to a minute and a half on her link): this attempt opens nothing.
    if (ended || attempt !== starts) {
      return;
    }
    frame.hidden = false;
    frame.replaceChildren();
    const current = new window.JitsiMeetExternalAPI(join.jitsi.domain, {
      roomName: join.jitsi.roomName,
      jwt: join.jitsi.jwt || undefined,
      parentNode: frame,
      lang: currentLanguage(),
      userInfo: { displayName: join.jitsi.displayName },
      configOverwrite: {
        prejoinConfig: { enabled: true },
        startAudioOnly,
        resolution: 360,
        constraints: { video: { height: { ideal: 360, max: 360, min: 180 } } },
        disableDeepLinking: true,
        enableNoisyMicDetection: true,
        p2p: { enabled: true },
      },
      interfaceConfigOverwrite: { MOBILE_APP_PROMO: false },
    });
    api = current;
    // Only the room open now speaks: one replaced (audio only, entered again) is not heard.
    const on = (name, f) => current.addListener(name, (event) => { if (api === current) f(event); });
    on('videoConferenceJoined', () => {
      joined = true;
      attempts = 0;
      message.textContent = t('call.inCall');
      onJoined?.();
    });
    // Left without an error: Jitsi's own hang-up button (its "left" comes before any `readyToClose`, which waits
    // for its feedback form), or a moderator removed her. Hers, not a drop: the room is not entered again.
    on('videoConferenceLeft', () => {
      message.textContent = t('call.left');
      leave();
    });
    on('errorOccurred', (event) => {
      if (event?.error?.isFatal) {
        failed();
      }
    });
    on('readyToClose', () => leave());
  };
  const failed = () => {
    if (joined) {
      joined = false;
      onLeft?.({ dropped: true });
    }
    if (!ended) {
      dropped();
    }
  };
  // The room ended without her: entered again after a pause, a few times, then the way to try by hand.
  const dropped = () => {
    clearTimeout(reconnecting);
    api?.dispose();
    api = null;
    if (attempts >= RECONNECT_DELAYS.length) {
      attempts = 0;
      unreachable();
      return;
    }
    const delay = RECONNECT_DELAYS[attempts];
    attempts += 1;
    frame.hidden = true;
    problem.hidden = true;
    message.hidden = false;
    message.textContent = t('call.reconnecting', { n: attempts, of: RECONNECT_DELAYS.length });
    reconnecting = setTimeout(() => {
      if (!ended) {
        start({ again: true });
      }
    }, delay);
  };
  // `tooSlow`: nothing came for a long while, no error: her link may be the cause as much as the server.
  const unreachable = ({ tooSlow = false } = {}) => {
    onFailed?.();
    frame.hidden = true;
    message.hidden = true;
    offerAudioOnly(false);
    const retry = el('button', { type: 'button', id: 'call-retry' }, t('call.retry'));
    // The button goes with the message: the keyboard waits on the call's heading, not lost on the page.
    retry.addEventListener('click', () => {
      container.querySelector('h2').focus();
      attempts = 0;
      start();
    });
    const why = tooSlow ? [el('p', {}, el('strong', {}, t('call.tooSlow')))]
      : [el('p', {}, el('strong', {}, t('call.unreachable'))), el('p', {}, t('call.notYourConnection'))];
    problem.replaceChildren(...why,
      ...(fallback ? [fallback()].flat().filter(Boolean) : []), el('div', { class: 'actions' }, retry));
    problem.hidden = false;
  };
  audioOnly.addEventListener('click', () => {
    startAudioOnly = !startAudioOnly;
    audioOnly.textContent = startAudioOnly ? t('call.withVideo') : t('call.audioOnly');
    clearTimeout(reconnecting);
    const was = api;
    api = null;
    was?.dispose();
    start();
  });
  const leave = () => {
    ended = true;
    offerAudioOnly(false);
    clearTimeout(reconnecting);
    if (joined) {
      joined = false;
      onLeft?.();
    }
  };
  hangUp.addEventListener('click', () => {
    // Hers: the room's "left" that follows is not a drop.
    leave();
    api?.executeCommand('hangup');
    api?.dispose();
    container.hidden = true;
    // Back where she was: what the page names (`onClosed` may return its join button), else the button pressed if
    // it is still there and takes the keyboard (not hidden meanwhile), else the top of the page's content.
    const named = onClosed?.();
    const pressed = opener?.isConnected && opener !== document.body ? opener : null;
    [named, pressed, document.getElementById('main')].find((back) => {
      back?.focus();
      return back && document.activeElement === back;
    });
  });
  // Closing the tab leaves the room too: the other side must not see someone who is gone.
  window.addEventListener('pagehide', leave);
  await start();
  return {
    close: () => {
      ended = true;
      offerAudioOnly(false);
      clearTimeout(reconnecting);
      api?.dispose();
    },
  };
}

/** A phone number as a link that dials it: "06 12 34 56 78" → tel:+33612345678. */
export function phoneLink(phone) {
  return el('a', { href: `tel:${international(phone)}`, class: 'phone' }, phone);
}
