import { request } from './api.js';
import { FieldErrors } from './form-errors.js';
import { t } from './i18n.js';
import { setUpPage, showOutcome, whileSending } from './ui.js';

/**
 * A forgotten password: the address of her account, where the server mails a link to choose a new one. The answer is
 * the same whether the address is an account's or not (the server never says), shown next to the button and focused.
 */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

await setUpPage();
const form = document.getElementById('form');
const email = document.getElementById('email');
const outcome = document.getElementById('outcome');
const submit = form.querySelector('button[type=submit]');
const errors = new FieldErrors(form, document.getElementById('error'), { email: ['email', 'forgot.emailInvalid'] });
form.addEventListener('submit', (event) => {
  event.preventDefault();
  whileSending(submit, ask);
});
// Disabled in the page until here: pressed before the script arrived, the browser would send the form itself.
submit.disabled = false;

async function ask() {
  errors.clear();
  outcome.hidden = true;
  const typed = email.value.trim();
  if (!EMAIL.test(typed)) {
    errors.show({ email: t(typed ? 'forgot.emailInvalid' : 'forgot.emailMissing') });
    return;
  }
  try {
    await request('/api/auth/password-reset', { method: 'POST', anonymous: true, body: { email: typed } });
  } catch (e) {
    if (e.status === 429) {
      showOutcome(outcome, t('forgot.tooMany'), true);
      return;
    }
    errors.fromRequest(e);
    return;
  }
  showOutcome(outcome, t('forgot.sent'));
}
