import { remember, request } from './api.js';
import { FieldErrors } from './form-errors.js';
import { t } from './i18n.js';
import { HOME, requireRole, setUpPage, showOutcome, whileSending } from './ui.js';

const MIN_LENGTH = 10;
const MAX_LENGTH = 200;

await setUpPage();
const user = await requireRole(...Object.keys(HOME));
document.getElementById('back').href = HOME[user.role] || '/';
// Her first sign-in with the password an admin typed: nothing else opens before she chooses hers, then her page does.
const firstTime = user.mustChangePassword === true;
if (firstTime) {
  document.getElementById('first-time').hidden = false;
  document.getElementById('why').hidden = true;
  document.getElementById('back').closest('p').hidden = true;
  const label = document.getElementById('current-label');
  label.dataset.i18n = 'password.firstCurrent';
  label.textContent = t('password.firstCurrent');
}
document.getElementById('change-password')?.setAttribute('aria-current', 'page');

const form = document.getElementById('form');
const current = document.getElementById('current-password');
const chosen = document.getElementById('new-password');
const again = document.getElementById('confirm-password');
const outcome = document.getElementById('outcome');
const submit = form.querySelector('button[type=submit]');
// The server's refusals, said under their field in the page's words.
const errors = new FieldErrors(form, document.getElementById('error'), {
  currentPassword: ['current-password', 'password.currentWrong'],
  newPassword: ['new-password', 'password.newRefused'],
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  whileSending(submit, change);
});
// Disabled in the page until here: pressed before the script arrived, the browser would send the form itself, the
// passwords in the address.
submit.disabled = false;

/** What the page can tell before sending: each field's mistake, in the order of the fields. */
function mistakes() {
  const found = {};
  if (!current.value) {
    found['current-password'] = t('password.currentMissing');
  }
  if (chosen.value.length < MIN_LENGTH || chosen.value.length > MAX_LENGTH) {
    found['new-password'] = t('password.newLength', { min: MIN_LENGTH, max: MAX_LENGTH });
  } else if (chosen.value === current.value) {
    found['new-password'] = t('password.newSame');
  } else if (again.value !== chosen.value) {
    found['confirm-password'] = t('password.confirmDiffers');
  }
  return found;
}

async function change() {
  errors.clear();
  outcome.hidden = true;
  if (errors.show(mistakes())) {
    return;
  }
  try {
    // Every session of hers ended with the change, this one too: the page goes on with the one answered.
    remember(await request('/api/auth/password', { method: 'POST', body: { currentPassword: current.value, newPassword: chosen.value } }));
  } catch (e) {
    errors.fromRequest(e);
    return;
  }
  form.reset();
  if (firstTime) {
    showOutcome(outcome, t('password.firstDone'));
    location.href = nextPage() || HOME[user.role] || '/';
    return;
  }
  showOutcome(outcome, t('password.changed'));
}

/** Where she was going when sent here first: a page of this site only. */
function nextPage() {
  try {
    const next = new URL(new URLSearchParams(location.search).get('next') ?? '', location.origin);
    return next.origin === location.origin && next.pathname !== location.pathname ? next.href : null;
  } catch {
    return null;
  }
}
