import { currentLanguage, t } from './i18n.js';

// HTTP to the server. The access token lives in memory only; the refresh token in
// sessionStorage (it rotates at every use). Tokens never go in URLs.
let accessToken = null;

/**
 * A refusal (its status, detail and, when about one field, `field`), or status 0: no answer at all. `retryAfter`: the
 * seconds the answer's Retry-After asked to wait before trying again (a 429, a 503), 0 when it said nothing. `kind`:
 * the name a few refusals carry, told apart from the others of their status ("booking-made": her booking exists).
 */
export class ApiError extends Error {
  constructor(status, detail, field = null, kind = null) {
    super(detail);
    this.status = status;
    this.field = field;
    this.kind = kind;
    this.retryAfter = 0;
  }
}

export function currentUser() {
  const stored = sessionStorage.getItem('cantou.user');
  return stored ? JSON.parse(stored) : null;
}

/** A session the server answered (a sign-in, a refresh, a password changed): the page goes on with it. */
export function remember(session) {
  accessToken = session.accessToken;
  sessionStorage.setItem('cantou.refresh', session.refreshToken);
  sessionStorage.removeItem(ANSWER_SECRET);
  sessionStorage.setItem('cantou.user', JSON.stringify(session.user));
}

export async function login(email, password) {
  // No deadline on the session's own requests: a refresh answered late but done would leave a spent token kept,
  // whose next use the server reads as theft (the family revoked, her session ended mid-call).
  remember(await request('/api/auth/login', { method: 'POST', body: { email, password }, anonymous: true, deadline: 0 }));
  return currentUser();
}

export async function logout() {
  const refreshToken = sessionStorage.getItem('cantou.refresh');
  sessionStorage.removeItem('cantou.refresh');
  sessionStorage.removeItem(ANSWER_SECRET);
  sessionStorage.removeItem('cantou.user');
  accessToken = null;
  // A refresh still on its way answers a session she has just left: it must not be written back (the server ends it
  // with her sign-out, the token sent being of its lineage even if that refresh spent it).
  signOuts += 1;
  if (refreshToken) {
    await request('/api/auth/logout', { method: 'POST', body: { refreshToken }, anonymous: true, deadline: 0 }).catch(() => {});
  }
}

/**
 * A valid access token, refreshed when needed; null when signed out (no session, or its refresh refused). With
 * `refresh`, the one held is dropped first: the server said it expired (a WebSocket closed with 4401). A refresh the
 * server did not judge (no answer, 429, 5xx: see {@link notJudged}) rejects with its ApiError, the session kept: the
 * caller tries again later ({@link retryDelay}).
 */
export async function token({ refresh = false } = {}) {
  if (refresh) {
    accessToken = null;
  }
  if (accessToken) {
    return accessToken;
  }
  // One refresh at a time: the socket (4401) and a request (401) often find the token expired
  // together, and a refresh token rotates at each use, so a second use would sign the page out.
  refreshing ??= refreshed().finally(() => { refreshing = null; });
  return refreshing;
}

let refreshing = null;
let signOuts = 0;

/**
 * How the server says no to a refresh: 401 (the token spent, revoked or expired; the account deactivated), 400 (a body
 * it cannot read), 403. Only these end the session.
 */
const REFRESH_REFUSED = new Set([400, 401, 403]);

async function refreshed(overtaken = false) {
  const refreshToken = sessionStorage.getItem('cantou.refresh');
  if (!refreshToken) {
    return null;
  }
  const signOutsBefore = signOuts;
  try {
    const proof = await answerProof(refreshToken, signOutsBefore);
    const session = await request('/api/auth/refresh', { method: 'POST', body: { refreshToken, ...proof }, anonymous: true, deadline: 0 });
    if (signOuts !== signOutsBefore) {
      return null;
    }
    remember(session);
    return accessToken;
  } catch (e) {
    if (e?.status === 409 && e.kind === 'refresh-overtaken' && !overtaken && signOuts === signOutsBefore
      && revealTopNext(refreshToken)) {
      // A later send of this token was answered, not hers: this tab's is still here, so the other was a copy of it.
      // Sent again at once revealing the chain's top, which no copy can pass: answered, the copy's session ends.
      return refreshed(true);
    }
    if (REFRESH_REFUSED.has(e?.status)) {
      sessionStorage.removeItem('cantou.refresh');
      sessionStorage.removeItem(ANSWER_SECRET);
      return null;
    }
    // Not judged (no answer, a node restarting, a proxy's 502, too many at once): the refresh token still holds, kept
    // for the next try. Dropped here, every page signed out whose refresh met a restart, every 15 minutes.
    throw e instanceof ApiError ? e : new ApiError(0, t('common.connectionLost'));
  }
}

const ANSWER_SECRET = 'cantou.refreshAnswerSecret';

/** How many sends of one token a chain of secrets holds: as many links as the server follows (AnswerProof.CHAIN_AT_MOST). */
const ANSWER_CHAIN = 512;

/**
 * What proves that this tab is the one that sent `refreshToken` before, if it did: an answer lost on the way (the page
 * left while the refresh travelled, the link dropped after the server had rotated the token) is then given again to it,
 * where a spent token sent again alone ends the session as a stolen one. Every send carries `answerKey`, the SHA-256 of
 * a secret kept in the tab before it leaves; a send again of the same token (not knowing whether the one before arrived)
 * reveals that secret too (`answerSecret`), and carries the key of the next, so the line may drop again and again. The
 * secrets are a chain drawn from one random seed (each the base64url SHA-256 of the next, revealed from the last back):
 * the key a send commits is the secret it reveals, and a send that never reached the server (the line down before it
 * left) is passed over by the next, whose secret leads to its key. Without WebCrypto (a page not served over HTTPS)
 * nothing: a lost answer ends the session, as before.
 */
async function answerProof(refreshToken, signOutsBefore) {
  if (!globalThis.crypto?.subtle) {
    return {};
  }
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(ANSWER_SECRET) ?? 'null');
  } catch {
    // Unreadable (written by hand): as if none, the first send of this token.
  }
  if (kept?.token !== refreshToken || typeof kept.seed !== 'string' || !(Number.isInteger(kept.next) && kept.next > 0
    && kept.next < ANSWER_CHAIN)) {
    // A first send; or the chain spent (a long while without an answer), or a secret kept by a page before chains: a
    // new chain, whose first send also reveals the secret of the key the last send committed.
    const previous = kept?.token === refreshToken && typeof kept.secret === 'string' ? kept.secret : undefined;
    kept = { seed: base64url(crypto.getRandomValues(new Uint8Array(32))), next: 0, previous };
  }
  const key = await hashed(kept.seed, ANSWER_CHAIN - kept.next);
  if (signOuts !== signOutsBefore) {
    return {}; // signed out meanwhile: nothing written back into her tab
  }
  const next = kept.next + 1;
  sessionStorage.setItem(ANSWER_SECRET, JSON.stringify(next < ANSWER_CHAIN ? { token: refreshToken, seed: kept.seed, next }
    : { token: refreshToken, secret: kept.seed }));
  const secret = kept.next > 0 ? key : kept.previous;
  return secret ? { answerKey: key, answerSecret: secret } : { answerKey: key };
}

/**
 * The next send of `refreshToken` reveals its chain's seed, the top (and starts a new chain): the server follows any
 * link down from it, and nothing comes after it. Whether there was a chain of that token to reveal.
 */
function revealTopNext(refreshToken) {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(ANSWER_SECRET) ?? 'null');
  } catch {
    return false;
  }
  if (kept?.token !== refreshToken || typeof kept.seed !== 'string') {
    return false;
  }
  sessionStorage.setItem(ANSWER_SECRET, JSON.stringify({ token: refreshToken, secret: kept.seed }));
  return true;
}

/** `value` hashed `times` times (SHA-256 of its text, in base64url each time). */
async function hashed(value, times) {
  let link = value;
  for (let i = 0; i < times; i += 1) {
    link = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(link))));
  }
  return link;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Sends JSON (or a Blob as it is: a camera frame), answers JSON (null for 204), or with `accept` (a picture's media
 * type) the text of that document; a problem document becomes an ApiError with its detail. `deadline`: how long it
 * may take in all, in ms ({@link ANSWER_DEADLINE_MS} unless said; 0 for none).
 */
export async function request(path, options = {}) {
  return withinDeadline(options.deadline ?? ANSWER_DEADLINE_MS, (signal) => answered(path, options, signal));
}

/**
 * How long a request waits for its whole answer: past it, on a link that stalls (no answer, no error), it fails as an
 * answer lost (status 0), where the pages retry or say "La connexion ne répond pas. Réessayez.", never "Envoi…" for ever.
 * Files sent with their progress shown (care-files.js) have none: their progress says they move.
 */
export const ANSWER_DEADLINE_MS = 30000;

/**
 * `read(signal)` (a fetch, and the reading of its answer) aborted once `ms` have passed (none for 0), failing then as an
 * ApiError of status 0 whose `timedOut` is set.
 */
export async function withinDeadline(ms, read) {
  if (!ms) {
    return read(undefined);
  }
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), ms);
  try {
    return await read(deadline.signal);
  } catch (e) {
    // Aborted here: whatever broke (the fetch, or the reading of a body half come) broke for the deadline.
    if (deadline.signal.aborted && !(e instanceof ApiError && e.status !== 0)) {
      throw Object.assign(new ApiError(0, t('common.noAnswer')), { timedOut: true });
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function answered(path, { method = 'GET', body, anonymous = false, manageToken, headers = {}, keepalive = false, accept } = {},
  signal = undefined) {
  const h = { Accept: accept || 'application/json', ...headers };
  const raw = body instanceof Blob;
  if (body !== undefined) {
    h['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
  }
  if (manageToken) {
    h['X-Manage-Token'] = manageToken;
  }
  const response = await sent(path, { method, headers: h, keepalive, signal,
    body: body === undefined || raw ? body : JSON.stringify(body) }, anonymous);
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  // Asked for another media type (a picture): its text as it came; refusals are still problem+json.
  if (accept && response.ok) {
    return text;
  }
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    // Not the API's answer: a proxy's error page (a node restarting), a public Wi-Fi's sign-in page, a cut answer.
    // Said as what it means for her, never as a parse error: an unavailable service, or a connection that failed.
    throw waiting(refusal(response.ok ? 0 : response.status, null), response);
  }
  if (!response.ok) {
    throw waiting(refusal(response.status, data), response);
  }
  return data;
}

/** The error with the answer's Retry-After (seconds, or a date) as its `retryAfter`, in seconds. */
function waiting(error, response) {
  const said = response.headers.get('Retry-After');
  if (said) {
    const seconds = /^\d+$/.test(said.trim()) ? Number(said) : (Date.parse(said) - serverNow()) / 1000;
    error.retryAfter = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
  }
  return error;
}

/**
 * `fetch` in the page's language with the bearer token (none when `anonymous`), sent again once with a fresh token after
 * a 401; no answer at all (the link dropped, the server out of reach) is said plainly, never "Failed to fetch".
 */
async function sent(path, init, anonymous = false) {
  const send = async (bearer) => {
    const headers = { 'Accept-Language': currentLanguage(), ...init.headers, ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) };
    const sentAt = Date.now();
    try {
      const response = await fetch(path, { ...init, headers });
      heardServerTime(response, sentAt);
      return response;
    } catch (e) {
      throw new ApiError(0, t('common.connectionLost'));
    }
  };
  let response = await send(anonymous ? null : await token());
  if (response.status === 401 && !anonymous && accessToken) {
    accessToken = null;
    response = await send(await token());
  }
  return response;
}

// The server's clock minus the page's, in ms, and the round trip it was measured on (see heardServerTime).
let serverOffset = 0;
let offsetRoundTrip = Infinity;

/**
 * The time by the server's clock (ms since 1970), which decides when a room opens and closes: a mairie's PC or an old
 * phone 20 minutes slow kept "Rejoindre la visio" disabled while the room was open; an hour fast, it said "over" at the
 * opening. The page's own clock until an answer has told the server's.
 */
export function serverNow() {
  return Date.now() + serverOffset;
}

/**
 * Learns the difference between the clocks from an answer's Date (the server's time as it answered), taken at the
 * middle of the round trip. The first measure is kept unless a later one comes over a round trip shorter by more than
 * the header's own precision (a second): the first answer on a weak link may have taken 20 s.
 */
function heardServerTime(response, sentAt) {
  const said = Date.parse(response.headers.get('Date') || '');
  const receivedAt = Date.now();
  const roundTrip = receivedAt - sentAt;
  if (!Number.isFinite(said) || roundTrip >= offsetRoundTrip - 1000) {
    return;
  }
  offsetRoundTrip = roundTrip;
  // Whole seconds in the header: the server's time was on average half a second past what it says.
  serverOffset = said + 500 - (sentAt + receivedAt) / 2;
}

/**
 * A GET with the bearer token whose answer is read as it is (a file to save): a lost connection and a refusal are thrown
 * as {@link request} throws them, in the page's words — never "Failed to fetch" or the status line's English.
 */
export async function fetchWithToken(path) {
  // The deadline until the answer begins: a large file then comes at the link's pace, however long it takes.
  const response = await withinDeadline(ANSWER_DEADLINE_MS, (signal) => sent(path, { signal }));
  if (!response.ok) {
    throw refusal(response.status, await response.json().catch(() => null));
  }
  return response;
}

/** A refusal with its problem document (or none: a proxy's page, an empty body) as the ApiError a page shows. */
export function refusal(status, problem) {
  // A proxy's own 413 (its body limit below the node's): too large is the one thing to say, a retry would not help.
  return new ApiError(status, problem?.detail || t(status === 0 ? 'common.connectionLost' : status === 413 ? 'common.tooLarge'
    : status >= 500 ? 'common.serverUnavailable' : 'common.error'), problem?.field || null, kindOf(problem));
}

/** The name at the end of a problem's type when it is not its status (".../problems/booking-made"), or null. */
function kindOf(problem) {
  const last = typeof problem?.type === 'string' ? problem.type.split('/').pop() : '';
  return last && !/^\d+$/.test(last) ? last : null;
}

/**
 * The server did not judge the request (no answer, too many at once, a server or a proxy away): try again, never
 * "this link is bad", which sent people to replace a good one.
 */
export function notJudged(error) {
  return error?.status === 0 || error?.status === 429 || error?.status >= 500;
}

/**
 * The pause (ms) before the `attempt`-th try again of what was not judged: 1 s, 2 s, 4 s… up to 30 s, and never before
 * the answer's Retry-After (up to five minutes: no page sleeps longer on a proxy's word).
 */
export function retryDelay(attempt, error) {
  return Math.max(backoff(attempt), retryAfter(error));
}

/**
 * {@link retryDelay}, its own part drawn at random between half and whole: the pages a node dropped together (a
 * restart, a failover closing every socket) do not all knock again in the same instant. A Retry-After stays whole.
 */
export function spreadRetryDelay(attempt, error) {
  return Math.max(backoff(attempt) * (0.5 + Math.random() / 2), retryAfter(error));
}

function backoff(attempt) {
  return Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
}

function retryAfter(error) {
  return Math.min(300, error?.retryAfter || 0) * 1000;
}

/**
 * `send()` until the server has it: sent again (after {@link retryDelay}) while it was not judged and `wanted()` still
 * holds — a presence in a room, lost on a weak link, said again while she is still in that room. Rejects with the last
 * error once judged or no longer wanted.
 */
export async function untilHeard(send, wanted, attempt = 0) {
  try {
    return await send();
  } catch (e) {
    if (!notJudged(e) || !wanted()) {
      throw e;
    }
    await new Promise((resolve) => { setTimeout(resolve, retryDelay(attempt, e)); });
    if (!wanted()) {
      throw e;
    }
    return untilHeard(send, wanted, attempt + 1);
  }
}

export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One Idempotency-Key per thing she means to send: `of(body)` is the key that body was last sent with (sent again as it
 * was, its answer lost on a weak link, it goes with the same key and the server answers what it made the first time,
 * never a second), a new key for another body; `answered(key)`: that send was answered, what comes next is another thing.
 */
export function sendingKeys() {
  let last = null;
  return {
    of(body) {
      const sent = JSON.stringify(body);
      if (last?.sent !== sent) {
        last = { sent, key: newIdempotencyKey() };
      }
      return last.key;
    },
    answered(key) {
      if (last?.key === key) {
        last = null;
      }
    },
  };
}

/** {@link sendingKeys} for each of several things by their id (a request's sets of vital signs, its invitations). */
export function sendingKeysBy() {
  const all = new Map();
  return (id) => {
    if (!all.has(id)) {
      all.set(id, sendingKeys());
    }
    return all.get(id);
  };
}
