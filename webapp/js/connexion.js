import { login } from './api.js';
import { t } from './i18n.js';
import { HOME, choosePasswordFirst, setUpPage, showError, whileSending } from './ui.js';

/** Where to go after signing in: only a page of this site (`/\evil.example` is another site to a browser). */
function sameOriginPath(next) {
  if (!next) {
    return null;
  }
  try {
    const target = new URL(next, location.origin);
    // The whole URL, not its path: a path such as //evil.example (from /.//evil.example) would
    // be read again as another site.
    return target.origin === location.origin ? target.href : null;
  } catch {
    return null;
  }
}

/**
 * Where her sign-in goes on to: `next`, unless it is another role's own page — on a shared tablet where the doctor's
 * session ended, the nurse was sent to the doctor's page, which sent her back to this form, empty, at every try — then
 * her own page.
 */
function landing(next, role) {
  const path = next ? new URL(next).pathname : null;
  const anothersPage = Object.entries(HOME).some(([other, page]) => other !== role && page === path);
  return (!anothersPage && next) || HOME[role] || '/';
}

await setUpPage();
// Back from choosing a new password through the mailed link: said first, then she signs in with it.
if (new URLSearchParams(location.search).get('mot-de-passe') === 'nouveau') {
  const chosen = document.getElementById('password-chosen');
  chosen.hidden = false;
  chosen.focus();
}
const form = document.getElementById('form');
const error = document.getElementById('error');
const submit = form.querySelector('button[type=submit]');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  whileSending(submit, signIn);
});
// Disabled in the page until here: pressed before the script arrived, the browser would send the form itself, the
// password in the address.
submit.disabled = false;

/** The fields a refusal concerns: aria-invalid, described by the refusal; the others as they were. */
function markInvalid(...inputs) {
  for (const input of [form.email, form.password]) {
    const wrong = inputs.includes(input);
    if (wrong) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'error');
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }
}

async function signIn() {
  error.hidden = true;
  markInvalid();
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    markInvalid(...(email ? [] : [form.email]), ...(password ? [] : [form.password]));
    showError(error, new Error(t('signIn.missing')));
    return;
  }
  try {
    const user = await login(email, password);
    const next = landing(sameOriginPath(new URLSearchParams(location.search).get('next')), user.role);
    const after = new URL(next, location.origin);
    location.href = user.mustChangePassword ? choosePasswordFirst(after.pathname + after.search + after.hash) : next;
  } catch (e) {
    if (e.status === 401) {
      // Which of the two is wrong is not said (it would tell who has an account): both are marked.
      markInvalid(form.email, form.password);
    }
    showError(error, e.status === 401 ? new Error(t('signIn.wrong')) : e);
  }
}
