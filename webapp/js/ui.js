import { currentLanguage, loadLanguage, setPageZone, switchLanguage, t } from './i18n.js';
import { ANSWER_DEADLINE_MS, currentUser, logout, notJudged, request, retryDelay, spreadRetryDelay, token, withinDeadline } from './api.js';
import { plainMessage } from './form-errors.js';

/** Common to every page: language, header buttons, the live status line and the offline banner. */
export async function setUpPage() {
  // Read and cleared at once: the page that follows a switch gives the keyboard back to it, and no later page does.
  const languageSwitched = sessionStorage.getItem('cantou.languageSwitched');
  sessionStorage.removeItem('cantou.languageSwitched');
  // The deployment's time zone (for times no item gives its own) comes with the words, in parallel: no extra wait.
  await Promise.all([wordsLoaded(), siteConfig().then((settings) => setPageZone(settings?.timeZone))]);
  // The scripts arrived: the line that waited for them (and helps when they never come) goes.
  document.getElementById('js-wait')?.remove();
  const other = document.getElementById('lang');
  other?.addEventListener('click', () => switchLanguageUnlessKept(other));
  // Disabled in the page until here: a press before the scripts arrived would do nothing.
  if (other) {
    other.disabled = false;
  }
  // The switch is written in the language it offers, and says so to screen readers.
  other?.setAttribute('lang', currentLanguage() === 'fr' ? 'en' : 'fr');
  if (languageSwitched) {
    other?.focus();
  }
  showOperator();
  const signOut = document.getElementById('logout');
  if (signOut) {
    // In the page from its first frame (its place taken, disabled until here): appearing late, it pushed the page down.
    signOut.hidden = !currentUser();
    signOut.disabled = false;
    signOut.addEventListener('click', async () => {
      await logout();
      location.href = '/connexion.html';
    });
  }
}

/**
 * The page's words, read again while the line loses them, cuts them or goes silent 30 s (the API's deadline, counted
 * from the last part that came): after 0.5 s, 1 s, 2 s… up to 30 s, drawn between half and whole (pages a restarting
 * node dropped together do not all ask again at once), never before a Retry-After given in seconds; asked again past
 * the browser's cache (a page stored there in place of the words is not served again). Nothing on the page works without
 * them: before, one lost read stopped the page's script for good. An answer that judged the read (404, 403) is not
 * asked again: thrown, it says the deployment's fault in the console.
 */
async function wordsLoaded(attempt = 0) {
  try {
    await wordsRead(attempt);
  } catch (e) {
    if (!notJudged(e)) {
      // Waiting or reloading will not mend it: the loading line says so (in French: the words are what is missing).
      const waiting = document.getElementById('js-wait');
      if (waiting) {
        waiting.textContent = WORDS_REFUSED;
        waiting.setAttribute('role', 'alert');
      }
      throw e;
    }
    // In the console only: the page has no words yet to say it in (its loading line, where it has one, says to wait).
    console.warn(`event=words_not_read attempt=${attempt + 1} reason="${e.message}"`);
    await new Promise((resolve) => { setTimeout(resolve, spreadRetryDelay(attempt, e)); });
    await wordsLoaded(attempt + 1);
  }
}

const WORDS_REFUSED = "La page n'a pas pu se charger : le service a un problème que recharger la page ne réglera pas. "
  + "Demandez de l'aide (en bas de page).";

/** One read of the words, aborted after {@link ANSWER_DEADLINE_MS} without a part of the answer coming. */
async function wordsRead(attempt) {
  const silence = new AbortController();
  let timer;
  const heard = () => {
    clearTimeout(timer);
    timer = setTimeout(() => silence.abort(), ANSWER_DEADLINE_MS);
  };
  heard();
  try {
    await loadLanguage(silence.signal, heard, attempt > 0);
  } finally {
    clearTimeout(timer);
    // A refusal's body (a proxy's error page) is not read on while the next read comes: nothing once the words came.
    silence.abort();
  }
}

/** What the page holds typed and not sent, by those who hold it: each gives the words naming it, or nothing. */
const unsent = [];

/**
 * `describe()` names what this page holds typed and not sent ("le compte rendu en cours"), or returns null: the language
 * switch reloads the page, and asks first when something would be lost.
 */
export function askBeforeLanguageSwitch(describe) {
  unsent.push(describe);
}

/**
 * The switch reloads the page: what is typed and not sent (a report, a request, a message) would go without a word. It
 * is named in a question first; kept as is when she says no. Nothing typed: the switch goes at once.
 */
async function switchLanguageUnlessKept(button) {
  const lost = [...new Set(unsent.map((describe) => describe()).filter(Boolean))];
  if (lost.length) {
    const what = new Intl.ListFormat(currentLanguage(), { type: 'conjunction' }).format(lost);
    const go = await ask(t('common.switchLoses', { what }), { yes: t('common.switchAnyway'), no: t('common.switchNot'), opener: button });
    if (!go) {
      return;
    }
  }
  switchLanguage();
}

let site;

/** The public settings of this deployment (who runs it, its help contact, how long data is kept); null offline. */
export function siteConfig() {
  // Bounded: every page waits for it before it starts, and a stalled link must not leave it at its loading line.
  site ??= withinDeadline(ANSWER_DEADLINE_MS, (signal) => fetch('/api/config', { signal }).then((r) => (r.ok ? r.json() : null)))
    .catch(() => null);
  return site;
}

/**
 * The header's operator (name, logo) and the footer's help contact, as configured. The HTML as served
 * carries the defaults, so an offline page still says who runs it.
 */
async function showOperator() {
  const settings = await siteConfig();
  if (!settings) {
    return;
  }
  if (settings.operatorName) {
    document.querySelectorAll('.operator-name').forEach((el) => { el.textContent = settings.operatorName; });
  }
  const logo = document.getElementById('operator-logo');
  if (logo && settings.logoUrl) {
    logo.src = settings.logoUrl;
    logo.hidden = false;
  }
  document.querySelectorAll('.help-contact').forEach((line) => {
    const email = line.querySelector('.help-email');
    if (settings.helpEmail) {
      email.href = `mailto:${settings.helpEmail}`;
      email.textContent = settings.helpEmail;
    }
    email.hidden = !settings.helpEmail;
    const phone = line.querySelector('.help-phone');
    if (settings.helpPhone) {
      phone.href = `tel:${settings.helpPhone.replace(/[^+\d]/g, '')}`;
      phone.textContent = settings.helpPhone;
    }
    line.querySelector('.help-phone-line').hidden = !settings.helpPhone;
    line.hidden = !settings.helpEmail && !settings.helpPhone;
  });
}

/** Each role's own page: where she lands once signed in, and goes back to from a page of her account. */
export const HOME = { nurse: '/infirmiere.html', doctor: '/medecin.html', agent: '/agent.html', mediator: '/mediateur.html',
  admin: '/admin.html' };

/** For professionals' pages: the signed-in user, or a trip to the sign-in page. */
export async function requireRole(...roles) {
  const user = currentUser();
  if (!user || !(await sessionToken()) || !roles.includes(user.role)) {
    location.href = signInAgain();
    return new Promise(() => {});
  }
  if (user.mustChangePassword && location.pathname !== PASSWORD_PAGE) {
    // Her password is still the one the admin typed: the server refuses everything else until she chooses her own.
    location.href = choosePasswordFirst(location.pathname);
    return new Promise(() => {});
  }
  const who = document.getElementById('who');
  if (who) {
    who.textContent = user.displayName;
  }
  return user;
}

const PASSWORD_PAGE = '/mot-de-passe.html';

/** The password page, which goes on to `next` (a path of this site) once she has chosen her own. */
export function choosePasswordFirst(next) {
  return `${PASSWORD_PAGE}?next=${encodeURIComponent(next)}`;
}

/** The sign-in page, which comes back to this one once she is signed in. */
function signInAgain() {
  return `/connexion.html?next=${encodeURIComponent(location.pathname)}`;
}

/**
 * The page's access token, or null once the session ended. A refresh not answered (a node restarting, a proxy's 502)
 * is tried again: a session still open never sends her to sign in.
 */
function sessionToken() {
  return readToStart(() => token());
}

/**
 * What the page cannot start without (its session, the list of specialties), read again after a pause while the
 * server did not judge it (no answer on a weak link, a node restarting), the offline banner saying so meanwhile: lost
 * once, the page stopped there, its buttons disabled and nothing said. A refusal is thrown.
 */
export async function readToStart(read) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const value = await read();
      if (attempt > 1) {
        showConnection('online');
      }
      return value;
    } catch (e) {
      if (!notJudged(e)) {
        throw e;
      }
      showConnection('offline');
      await new Promise((resolve) => { setTimeout(resolve, retryDelay(attempt, e)); });
    }
  }
}

/**
 * What an action did, in a line next to it (seen, not only heard), focused; `failed` shows it as a refusal. Taking the
 * focus, it is read out: said in the status line as well, it was read twice (an outside review). It is said there only
 * when the focus could not land on it (a dialog open over the page) or was on it already (its new words not read).
 */
export function showOutcome(line, message, failed = false) {
  const focusedAlready = document.activeElement === line;
  line.textContent = message;
  line.classList.toggle('error', failed);
  line.hidden = false;
  line.focus();
  if (focusedAlready || document.activeElement !== line) {
    announce(message);
  }
}

/**
 * Says something to screen readers (and shows it) without moving the focus. While a modal dialog is open the rest of
 * the page is inert, out of the accessibility tree, and the page's status line is not heard: it is said by a status
 * line of the dialog's own (for screen readers only; what the dialog shows and what is typed in it stay as they are).
 */
export function announce(message) {
  const dialog = [...document.querySelectorAll('dialog[open]')].pop();
  let status = document.getElementById('status');
  if (dialog) {
    status = dialog.querySelector(':scope > .dialog-news');
    if (!status) {
      status = el('p', { class: 'sr-only dialog-news', role: 'status' });
      dialog.append(status);
    }
  }
  if (status) {
    status.textContent = '';
    setTimeout(() => { status.textContent = message; }, 50);
  }
}

/**
 * A status line (role=status) that says `message`, put in the page empty and given its words a moment later: a live
 * region is heard when its text changes, and one that comes with its text already is often never read out.
 */
export function statusLine(attributes, message) {
  const line = el('p', { ...attributes, role: 'status' });
  setTimeout(() => { line.textContent = message; }, 50);
  return line;
}

/**
 * The banner under the header, as the socket goes: offline, degraded, the session ended (with the link to sign in
 * again), hidden once online.
 */
export function showConnection(state) {
  const banner = document.getElementById('offline');
  if (!banner) {
    return;
  }
  if (state === 'offline' || state === 'degraded') {
    banner.textContent = t(state === 'offline' ? 'common.offline' : 'common.degraded');
    banner.hidden = false;
  } else if (state === 'unauthorized') {
    // The session ended (its refresh refused): nothing comes in any more, and the page would otherwise still say it
    // reconnects. Said in the banner (role=alert: read out), with the way back to this page.
    banner.replaceChildren(t('common.sessionEnded'), ' ', el('a', { href: signInAgain() }, t('common.signInAgain')));
    banner.hidden = false;
  } else if (state === 'online') {
    if (!banner.hidden) {
      announce(t('common.backOnline'));
    }
    banner.hidden = true;
  }
}

/** A press on a waiting button: nothing sent, no form submitted (Enter in a field presses the form's button too). */
function ignorePress(event) {
  event.preventDefault();
  event.stopImmediatePropagation();
}

/**
 * `button` waiting for an answer, or no longer: `aria-disabled` and `aria-busy` (its form `aria-busy` too), presses
 * ignored. Not `disabled`: a disabled button drops the keyboard's focus to the top of the page, and a screen reader
 * user lost her place at each "Envoi…"; this one keeps the focus, and is read "Envoi…, indisponible". Answers `button`:
 * a page that draws its busy button anew (a live event) marks the new one as it makes it.
 */
export function markBusy(button, busy) {
  const form = button.closest('form');
  if (busy) {
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    form?.setAttribute('aria-busy', 'true');
    // Before the button's own listeners (a capturing listener on the target runs first).
    button.addEventListener('click', ignorePress, true);
  } else {
    button.removeAttribute('aria-disabled');
    button.removeAttribute('aria-busy');
    form?.removeAttribute('aria-busy');
    button.removeEventListener('click', ignorePress, true);
  }
  return button;
}

/**
 * Runs `action` while `button` says it waits ({@link markBusy}), reading "Envoi…" (or the words of `busyWords`, such as
 * 'common.connecting': "Connexion…" for joining a room). A second press meanwhile sends nothing.
 */
export async function whileSending(button, action, busyWords = 'common.sending') {
  if (button.getAttribute('aria-busy') === 'true') {
    return undefined;
  }
  // Its children, not its text: a label may hold a part for screen readers only ("Désactiver <span>Chloé Rigal</span>").
  const label = [...button.childNodes];
  markBusy(button, true);
  button.textContent = t(busyWords);
  try {
    return await action();
  } finally {
    markBusy(button, false);
    button.replaceChildren(...label);
    // The button drawn anew meanwhile (a live event) left the keyboard nowhere; nothing else took it since (a refusal
    // said beside it, her text kept): it comes back to the button, not to the header.
    if (button.isConnected && (!document.activeElement || document.activeElement === document.body)) {
      button.focus();
    }
  }
}

/**
 * For what cannot be taken back (cancelling, deactivating, withdrawing): asked first, then, once accepted, sent while
 * the button waits, as {@link whileSending}. `yes` names what the button does ("Oui, annuler le rendez-vous").
 */
export async function askThenSend(button, question, action, { yes, no } = {}) {
  if (button.getAttribute('aria-busy') === 'true' || !(await ask(question, { yes, no, opener: button }))) {
    return undefined;
  }
  return whileSending(button, action);
}

/**
 * A question in the page's own modal dialog, answered by two buttons that say what they do: a French browser's confirm()
 * offers "Annuler" and "OK" to "Voulez-vous vraiment annuler ce rendez-vous ?", where "Annuler" keeps it. The safe
 * answer has the focus first; Escape is that answer too; the keyboard goes back to `opener`.
 */
export function ask(question, { yes = t('common.yes'), no = t('common.keepAsIs'), opener = document.activeElement } = {}) {
  if (typeof HTMLDialogElement !== 'function') {
    return Promise.resolve(window.confirm(question));
  }
  return new Promise((resolve) => {
    const id = `ask-${Date.now()}`;
    const accept = el('button', { type: 'button', class: 'danger' }, yes);
    const keep = el('button', { type: 'button', class: 'secondary' }, no);
    const dialog = el('dialog', { class: 'ask', role: 'alertdialog', 'aria-labelledby': id },
      el('p', { id, class: 'question' }, question), el('div', { class: 'actions' }, accept, keep));
    let answer = false;
    accept.addEventListener('click', () => { answer = true; dialog.close(); });
    keep.addEventListener('click', () => dialog.close());
    const openerId = opener?.id;
    dialog.addEventListener('close', () => {
      dialog.remove();
      // A live event may have drawn the page again meanwhile: the same button by its id, or the page's main part.
      const back = opener?.isConnected ? opener : (openerId && document.getElementById(openerId)) || document.getElementById('main');
      back?.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}

export function showError(element, error) {
  element.textContent = plainMessage(error);
  element.hidden = false;
  element.focus?.();
}

/** Builds an element: el('p', {class: 'x'}, 'text', child…). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      node.className = value;
    } else {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

/**
 * The QR code of her appointment (an SVG the server makes from her reference, and from nothing else) with its text
 * alternative, and the reference written beside it: shown at the point's screen ("Scanner ma convocation"), printed
 * with the convocation. Read with her manage token, or as the signed-in mediator when there is none.
 */
export function appointmentQr(id, manageToken, reference) {
  // Its place is kept from the start: arriving late, the picture moves no button under a finger about to tap it.
  const place = el('span', { class: 'qr-image qr-pending', 'aria-hidden': 'true' });
  const figure = el('figure', { class: 'qr-code', id: 'qr-code' }, place,
    el('figcaption', {}, t('booking.qrCaption'), ' ', el('strong', {}, reference)));
  // The picture comes after the page: on a slow link the appointment is never kept waiting for it. Without it, the
  // caption's reference can be typed at the screen; lost on the way (no answer), it is asked for again a little later.
  const load = (tries) => request(`/api/visio/appointments/${id}/qr-code.svg`,
    { manageToken, anonymous: Boolean(manageToken), accept: 'image/svg+xml' })
    .then((svg) => {
      const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
      if (parsed.namespaceURI !== 'http://www.w3.org/2000/svg' || parsed.localName !== 'svg') {
        place.remove();
        return;
      }
      const image = document.importNode(parsed, true);
      image.setAttribute('role', 'img');
      image.setAttribute('aria-label', t('booking.qrAlt', { ref: reference }));
      image.setAttribute('focusable', 'false');
      image.classList.add('qr-image');
      place.replaceWith(image);
    })
    .catch((e) => {
      if (e?.status === 0 && tries > 1) {
        setTimeout(() => load(tries - 1), 5000);
      } else {
        // Given up: no empty box left on the screen, nor on the printed convocation.
        place.remove();
      }
    });
  load(3);
  return figure;
}

/** A short beep for a new request, made on the spot (no sound file to download). */
export function beep() {
  try {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.25);
  } catch (e) {
    // No audio here: the title badge and the live region still tell.
  }
}
