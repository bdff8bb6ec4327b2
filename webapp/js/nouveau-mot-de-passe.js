import { request } from './api.js';
import { FieldErrors } from './form-errors.js';
import { formatWhen, t } from './i18n.js';
import { setUpPage, whileSending } from './ui.js';

const MIN_LENGTH = 10;
const MAX_LENGTH = 200;

// The link's token: moved out of the address bar into this tab's storage by lien-du-mot-de-passe.js, a classic script
// that runs before any module comes; still in the address only when the browser refused the storage.
const TOKEN_KEY = 'cantou.passwordLinkToken';
/** The check's answer when the link no longer works (else its purpose and end, or null when nobody could say). */
const GONE = 'gone';
const token = storedToken() || decodeURIComponent(location.hash.slice(1));
if (location.hash) {
  history.replaceState(null, '', location.pathname + location.search);
}

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch (e) {
    return null;
  }
}

/** The link has served, or serves no more: the tab forgets it. */
function forgetToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // nothing was kept
  }
}

// Asked at once, beside the page's words and settings: on a weak line the answer is often there when they are.
const linkState = token ? checkLink() : null;

await setUpPage();
const form = document.getElementById('form');
const chosen = document.getElementById('new-password');
const again = document.getElementById('confirm-password');
const invalid = document.getElementById('invalid');
const status = document.getElementById('status');
const submit = form.querySelector('button[type=submit]');
const errors = new FieldErrors(form, document.getElementById('error'), {
  newPassword: ['new-password', 'newPassword.refused'],
});

if (!token) {
  // Opened without a link (typed, or the link cut by the mail program): nothing to send.
  const noLink = document.getElementById('no-link');
  noLink.hidden = false;
  noLink.focus();
} else {
  const checking = document.getElementById('checking');
  checking.hidden = false;
  status.textContent = t('newPassword.checking');
  const link = await linkState;
  checking.hidden = true;
  if (link === GONE) {
    noLongerValid();
  } else {
    if (link) {
      describe(link);
    } else {
      status.textContent = '';
    }
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileSending(submit, choose);
    });
    // Disabled in the page until here: pressed before the script arrived, the browser would send the form itself.
    submit.disabled = false;
  }
}

/**
 * Whether the link still works, asked before she types (the token in the body, never in an address): spent, replaced
 * or expired, she is told at once rather than after typing her password twice. Any other failure (offline, the server
 * unwell, too many attempts from here) leaves the form as it was: the confirm will say.
 */
async function checkLink() {
  try {
    return await request('/api/auth/password-reset/check', { method: 'POST', anonymous: true, body: { token },
      deadline: 10000 });
  } catch (e) {
    return e.status === 410 ? GONE : null;
  }
}

/** An invitation greets her new account; every link says until when it works, on the page and to screen readers. */
function describe(link) {
  if (link.purpose === 'invitation') {
    document.getElementById('title').textContent = t('newPassword.newAccountTitle');
    document.getElementById('why').textContent = t('newPassword.newAccountWhy');
    document.title = t('title.newAccount');
  }
  const until = document.getElementById('valid-until');
  until.textContent = t('newPassword.validUntil', { when: formatWhen(link.expiresAt) });
  until.hidden = false;
  status.textContent = until.textContent;
}

/** Used, replaced by a newer one, or past its time: said once, with the way to a new one; the form goes. */
function noLongerValid() {
  forgetToken();
  status.textContent = '';
  form.hidden = true;
  invalid.hidden = false;
  invalid.focus();
}

/** What the page can tell before sending: each field's mistake, in the order of the fields. */
function mistakes() {
  const found = {};
  if (chosen.value.length < MIN_LENGTH || chosen.value.length > MAX_LENGTH) {
    found['new-password'] = t('password.newLength', { min: MIN_LENGTH, max: MAX_LENGTH });
  } else if (again.value !== chosen.value) {
    found['confirm-password'] = t('password.confirmDiffers');
  }
  return found;
}

async function choose() {
  errors.clear();
  if (errors.show(mistakes())) {
    return;
  }
  try {
    await request('/api/auth/password-reset/confirm', { method: 'POST', anonymous: true,
      body: { token, newPassword: chosen.value } });
  } catch (e) {
    if (e.status === 410) {
      noLongerValid();
      return;
    }
    if (e.status === 429) {
      errors.fromRequest({ status: 429, message: t('newPassword.tooMany') });
      return;
    }
    errors.fromRequest(e);
    return;
  }
  form.reset();
  forgetToken();
  // Every session of hers has ended: she signs in with the password she has just chosen.
  location.href = '/connexion.html?mot-de-passe=nouveau';
}
