// Every visible string comes from /i18n/<lang>.json. French first; English on request.
let dictionary = {};
let language = 'fr';

export function currentLanguage() {
  return language;
}

/**
 * Reads the page's words, the read stopped by `signal`; `heard()` is called as each part of the answer comes (the
 * caller's deadline counts a silence, not the whole read: on a weak link the file may take longer than any deadline).
 * Rejects with `status` 0 when nothing usable came (no answer, a body cut, a page that is not the words: a public
 * Wi-Fi's sign-in page), else with the answer's status (and its Retry-After, in seconds, as `retryAfter`). Read
 * `again`, the browser's cache is asked to check with the server first.
 */
export async function loadLanguage(signal, heard = () => {}, again = false) {
  language = chosenLanguage();
  const path = `/i18n/${language}.json`;
  try {
    const response = await fetch(path, { cache: again ? 'no-cache' : 'force-cache', signal });
    heard();
    if (!response.ok) {
      throw Object.assign(new Error(`${path}: ${response.status}`),
        { status: response.status, retryAfter: Number(response.headers.get('Retry-After')) || 0 });
    }
    dictionary = JSON.parse(await bodyText(response, heard));
  } catch (e) {
    throw e.status !== undefined ? e : Object.assign(new Error(`${path}: ${e.message}`), { status: 0 });
  }
  document.documentElement.lang = language;
  translate(document);
}

/** The language she chose on this browser; French when none, or when the browser refuses its storage to the page. */
function chosenLanguage() {
  try {
    return localStorage.getItem('cantou.lang') === 'en' ? 'en' : 'fr';
  } catch (e) {
    return 'fr';
  }
}

async function bodyText(response, heard) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return text + decoder.decode();
    }
    heard();
    text += decoder.decode(value, { stream: true });
  }
}

export function switchLanguage() {
  localStorage.setItem('cantou.lang', language === 'fr' ? 'en' : 'fr');
  // The page comes back in the other language with the keyboard on the switch (setUpPage), not at the page's top.
  sessionStorage.setItem('cantou.languageSwitched', '1');
  location.reload();
}

/** t('queue.position', {nth: ordinal(2)}) → "2e dans la file". */
export function t(key, values = {}) {
  const text = key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), dictionary);
  if (typeof text !== 'string') {
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (values[name] ?? whole));
}

/** Minutes said as a person would: "1 heure 45 minutes". */
export function minutesInWords(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = hours ? t(hours === 1 ? 'waiting.hour' : 'waiting.hours', { n: hours }) : '';
  const m = rest ? t(rest === 1 ? 'waiting.minute' : 'waiting.minutes', { n: rest }) : '';
  return [h, m].filter(Boolean).join(' ');
}

/** A rank as written: "1re", "2e" in French, "number 1", "number 2" in English; "?" when unknown. */
export function ordinal(n) {
  if (n === null || n === undefined) {
    return '?';
  }
  return language === 'fr' ? `${n}${n === 1 ? 're' : 'e'}` : `number ${n}`;
}

/**
 * A count with its words in the right form: `key_one` or `key_other` as Intl.PluralRules says for the page's
 * language ("1 médecin disponible", "0 médecin disponible", "2 médecins disponibles"); `{n}` written the page's way.
 */
export function plural(key, n, values = {}) {
  const form = new Intl.PluralRules(locale()).select(n) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}`, { ...values, n: formatNumber(n) });
}

/** A number written the page's way: "1,5" in French, "1.5" in English. */
export function formatNumber(n, options = {}) {
  return new Intl.NumberFormat(locale(), options).format(n);
}

/** Fills [data-i18n] text, [data-i18n-label] aria-labels and [data-i18n-title] titles. */
export function translate(root) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nLabel)); });
  root.querySelectorAll('[data-i18n-title]').forEach((el) => { el.setAttribute('title', t(el.dataset.i18nTitle)); });
  const title = document.querySelector('title[data-i18n]');
  if (title) {
    document.title = t(title.dataset.i18n);
  }
}

/**
 * The zone of times that carry none of their own: the deployment's (`timeZone` of GET /api/config, set by
 * setUpPage), else the browser's. An appointment or a service gives its own `timeZone`: pass it.
 */
let pageZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function setPageZone(zone) {
  if (zone) {
    pageZone = zone;
  }
}

export function currentZone() {
  return pageZone;
}

/**
 * The instant of a day and time typed without a zone ("2026-12-02T09:00", a datetime-local's value) in `zone`, else the
 * page's: `new Date(value)` reads it in the browser's, and a tablet set to another zone saved an agent's absence hours
 * off (an outside review).
 */
export function instantOf(local, zone = null) {
  const [date, time = '00:00'] = local.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second = 0] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // The zone's offset at a first guess, then at the instant it gives: right across a change of summer time.
  const guess = wall - offsetAt(wall, zone || pageZone);
  return new Date(wall - offsetAt(guess, zone || pageZone));
}

/** How far `zone`'s clock is ahead of UTC at the instant `ms`, in ms. */
function offsetAt(ms, zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    hourCycle: 'h23', timeZone: zone,
  }).formatToParts(new Date(ms)).map((p) => [p.type, Number(p.value)]));
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - whole;
}

const locale = () => (language === 'fr' ? 'fr-FR' : 'en-GB');

/** A day and time in words ("mercredi 2 décembre à 13 h 30"): {@link formatWhen}, one way of writing it everywhere. */
export function formatDateTime(iso, zone = null) {
  return formatWhen(iso, zone);
}

/** A time ("13 h 30", "9 h"; "13:30" in English): {@link formatClock}, one way of writing it everywhere. */
export function formatTime(iso, zone = null) {
  return formatClock(iso, zone);
}

/** A moment of today as its time ("22 h 05"); of another day with its date ("28 nov., 22 h 05"): a night reading is never taken for today's. */
export function formatMoment(iso, zone = null) {
  if (dayOf(iso, zone) === dayOf(new Date().toISOString(), zone)) {
    return formatTime(iso, zone);
  }
  const date = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: zone || pageZone })
    .format(new Date(iso));
  return `${date}, ${formatClock(iso, zone)}`;
}

/** The day of the month as written: "1er" in French for the first, the number otherwise. */
function dayNumber(day) {
  return language === 'fr' && Number(day) === 1 ? '1er' : String(Number(day));
}

/** A calendar day ("2026-12-02"): "mercredi 2 décembre", whatever the zone. */
export function formatDay(isoDate) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat(locale(), {
    weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC',
  }).formatToParts(new Date(`${isoDate}T00:00:00Z`)).map((p) => [p.type, p.value]));
  return language === 'fr' ? `${parts.weekday} ${dayNumber(parts.day)} ${parts.month}` : `${parts.weekday} ${parts.day} ${parts.month}`;
}

/** The calendar day ("2026-12-02") of an instant in `zone`, else the page's: "today" is `dayOf(new Date())`. */
export function dayOf(instant, zone = null) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone || pageZone }).format(new Date(instant));
}

/** A time as said: "16 h 30", "9 h" on the hour in French; "16:30" in English. In `zone` (the item's own), else the page's. */
export function formatClock(iso, zone = null) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat(locale(), {
    hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone: zone || pageZone,
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  if (language === 'fr') {
    return `${Number(parts.hour)} h${parts.minute === '00' ? '' : ` ${parts.minute}`}`;
  }
  return `${String(Number(parts.hour)).padStart(2, '0')}:${parts.minute}`;
}

/**
 * A day and time in words, in `zone` (the item's own), else the page's: "mercredi 2 décembre à 8 h 50" ("à 9 h" on the
 * hour), "Wednesday 2 December at 8:50" in English. Screen readers say it as a person would.
 */
export function formatWhen(iso, zone = null) {
  const french = language === 'fr';
  const parts = Object.fromEntries(new Intl.DateTimeFormat(locale(), {
    weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', hourCycle: 'h23',
    timeZone: zone || pageZone,
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  const hour = String(Number(parts.hour));
  if (french) {
    return `${parts.weekday} ${dayNumber(parts.day)} ${parts.month} à ${hour} h${parts.minute === '00' ? '' : ` ${parts.minute}`}`;
  }
  return `${parts.weekday} ${parts.day} ${parts.month} at ${hour}:${parts.minute}`;
}
