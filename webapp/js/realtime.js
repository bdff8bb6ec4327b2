import { spreadRetryDelay } from './api.js';
import { currentLanguage } from './i18n.js';

/** How often the page looks at the clock: a look coming far later than due means the computer slept meanwhile. */
const WAKE_TICK_MS = 2000;
/** Late by more than this, the timers stood still: asleep (a laptop's lid closed), or a tab frozen in the background. */
const WAKE_LATE_MS = 10000;
/**
 * A socket checked after waking is answered within this, or left for a new one: a pong crosses even a weak link in a
 * second or two; a new socket costs a hello, and resumes from the last event seen.
 */
const PROBE_MS = 5000;

// The one WebSocket: hello with a token, snapshot or resume, live events; reconnects by
// itself with a growing delay and resumes from the last event id it saw.
export function connect({ token, onWelcome, onSnapshot, onEvent, onStatus }) {
  let socket = null;
  let lastEventId = null;
  /**
   * The stream that id belongs to (the welcome's `stream`: the database that gave it). Sent back with it: a server on
   * another database (a replica promoted after a failover, a restore) answers with a snapshot, not with the events
   * after an id that means nothing there.
   */
  let lastEventStream = null;
  /** The stream of the socket now greeted. */
  let greetedStream = null;
  let attempt = 0;
  let closedByUs = false;
  let pingTimer = null;
  /** When the server was last heard on this socket (any message: an event, the answer to a ping). */
  let lastHeard = 0;
  /** A ping sent and nothing heard since. */
  let pingUnanswered = false;
  /** Messages heard, counted: a probe is answered when the count moved (the clock may have jumped meanwhile). */
  let heard = 0;
  /** The socket the server said welcome on: a ping on it is answered (before its hello, it is refused). */
  let greeted = null;
  /** The browser said the link was gone, and nothing was heard since. */
  let saidOffline = false;

  // Set when the server closed with 4401: the access token expired (or was refused), so the
  // next hello asks for a refreshed one, and resumes with `since` as after any reconnect.
  let expired = false;

  async function open() {
    if (closedByUs) {
      return;
    }
    let value;
    try {
      value = typeof token === 'function' ? await token({ refresh: expired }) : token;
    } catch (e) {
      // The refresh was not answered (no answer, 429, a node or a proxy away): the session holds, and the token is asked
      // for again after the usual pause, as a socket that dropped knocks again. The expired token is already dropped:
      // the next try refreshes without forcing it, and takes one a request may have refreshed meanwhile.
      expired = false;
      again(e);
      return;
    }
    expired = false;
    if (closedByUs) {
      return;
    }
    if (!value) {
      // Signed out: no session, or its refresh refused. Knocking again would be refused for ever: the page says so.
      onStatus?.('unauthorized');
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const mine = new WebSocket(`${scheme}://${location.host}/ws`);
    socket = mine;
    socket.addEventListener('open', () => {
      // lang: the server's error messages in the page's language.
      const hello = { type: 'hello', token: value, lang: currentLanguage() };
      if (lastEventId != null) {
        hello.since = lastEventId;
        if (lastEventStream != null) {
          hello.stream = lastEventStream;
        }
      }
      mine.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (message) => {
      if (mine !== socket) {
        return;
      }
      lastHeard = Date.now();
      pingUnanswered = false;
      heard += 1;
      if (saidOffline && mine === greeted) {
        // The browser said the link was gone, and this socket is heard again: it held.
        saidOffline = false;
        onStatus?.('online');
      }
      const data = JSON.parse(message.data);
      if (data.type === 'welcome') {
        greeted = mine;
        greetedStream = data.stream ?? null;
        attempt = 0;
        saidOffline = false;
        onStatus?.('online');
        onWelcome?.(data);
        clearInterval(pingTimer);
        const beat = (data.heartbeatSeconds || 20) * 1000;
        pingTimer = setInterval(() => {
          // Each ping is answered: a ping left unanswered a whole beat, nothing heard for two, the socket's path is
          // dead (a mobile network that dropped its mapping, a hand-over between masts) though the browser may keep it
          // "open" for many minutes, events lost unseen and no banner. It is left for a new one, which resumes from the
          // last event seen. Both conditions: a phone waking from sleep sees the clock jumped, but its last ping answered.
          if (pingUnanswered && Date.now() - lastHeard > 2 * beat) {
            abandon(mine);
            return;
          }
          pingUnanswered = true;
          send({ type: 'ping' });
        }, beat);
      } else if (data.type === 'snapshot') {
        lastEventId = data.lastEventId;
        lastEventStream = greetedStream;
        onSnapshot?.(data);
      } else if (data.type === 'event') {
        lastEventId = data.id;
        lastEventStream = greetedStream;
        onEvent?.(data);
      } else if (data.type === 'service') {
        // The server lost its database for a while ('degraded'), then has it back ('ok'): the
        // socket stays open, and the events missed meanwhile follow once it is back.
        onStatus?.(data.state === 'degraded' ? 'degraded' : 'online');
      }
    });
    socket.addEventListener('close', (event) => {
      if (closedByUs || mine !== socket) {
        // Closed by the page, or a socket already left for a new one.
        return;
      }
      clearInterval(pingTimer);
      // 4401: the access token expired (or was refused). The next hello takes a refreshed one,
      // at once the first time; a refresh refused (signed out) gives no token, and open() reports
      // 'unauthorized'; a refresh not answered is tried again after a pause. Refused again and
      // again, it waits like any other failure.
      expired = event.code === 4401;
      // A manage link's socket (a fixed token, nothing to refresh) closed with 4401: the link was renewed or has
      // expired. Knocking again with it would be refused for ever: the page says so instead.
      if (expired && typeof token !== 'function') {
        onStatus?.('unauthorized');
        return;
      }
      again();
    });
  }

  /** A socket heard no more: closed without waiting for its close (which may never come), and another one opened. */
  function abandon(dead) {
    clearInterval(pingTimer);
    socket = null;
    try {
      dead.close();
    } catch (e) {
      // Closing a dead socket may throw in some browsers: it is left either way.
    }
    again();
  }

  /** The next open() waiting for its pause, if any. */
  let retryTimer = null;

  /**
   * Offline meanwhile, open() again after a pause growing with the attempts, spread at random (none the first time after a
   * 4401: tokens end at their own times).
   */
  function again(error) {
    onStatus?.('offline');
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      open();
    }, expired && attempt === 1 ? 0 : spreadRetryDelay(attempt, error));
  }

  /**
   * The link is back, or the page shown again (a tablet woken up): a socket waiting for its pause (up to 30 s after
   * a few failures) knocks now, its attempts counted from the start again.
   */
  function now() {
    if (retryTimer !== null && !closedByUs) {
      clearTimeout(retryTimer);
      retryTimer = null;
      attempt = 0;
      open();
    }
  }

  /** The probe of the socket checked after waking, waiting for its answer. */
  let probeTimer = null;

  /**
   * The computer woke up, the page shown again, the link back: a socket waiting for its pause knocks now; an open one is
   * asked at once whether it still leads somewhere. Left to the heartbeats, a socket whose path died while asleep (the
   * Wi-Fi gone and back, never said offline) was noticed two beats later, about 40 s, her citizen's arrival with it.
   */
  function check() {
    if (closedByUs) {
      return;
    }
    if (retryTimer !== null) {
      now();
      return;
    }
    const mine = socket;
    if (mine === null || mine !== greeted || !send({ type: 'ping' })) {
      return;
    }
    const before = heard;
    clearTimeout(probeTimer);
    probeTimer = setTimeout(() => {
      if (mine === socket && heard === before) {
        abandon(mine);
        now();
      }
    }, PROBE_MS);
  }

  /** Timers stand still while the computer sleeps: a look at the clock coming far later than due is a wake-up. */
  let lookedAt = Date.now();
  const wakeWatch = setInterval(() => {
    const late = Date.now() - lookedAt - WAKE_TICK_MS;
    lookedAt = Date.now();
    if (late > WAKE_LATE_MS) {
      check();
    }
  }, WAKE_TICK_MS);

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  // The browser knows at once that the link is gone (the Wi-Fi dropped): said then. Left to the socket, whose path
  // may stay "open" until two heartbeats go unanswered, the page looked live for about 40 s, events lost unseen.
  window.addEventListener('offline', () => {
    if (!closedByUs) {
      saidOffline = true;
      onStatus?.('offline');
    }
  });
  window.addEventListener('online', () => {
    if (socket?.readyState !== WebSocket.OPEN) {
      attempt = 0;
    }
    check();
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) { check(); } });
  // A page frozen in the background (a tablet's, a phone's), or back from the browser's history: it may have slept.
  document.addEventListener('resume', check);
  window.addEventListener('pageshow', (event) => { if (event.persisted) { check(); } });
  open();
  return {
    send,
    close() {
      closedByUs = true;
      clearInterval(wakeWatch);
      clearTimeout(probeTimer);
      socket?.close();
    },
  };
}
