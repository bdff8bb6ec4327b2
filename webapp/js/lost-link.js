import { request } from './api.js';
import { isMobile } from './contact.js';
import { FieldErrors } from './form-errors.js';
import { t } from './i18n.js';
import { whileSending } from './ui.js';

/**
 * "A lost link is not a lost appointment": the form that sends a new manage link to the e-mail
 * address or phone number given when booking. The answer is the same whether they matched or
 * not (the server never says), read out by the polite live region under the button.
 */
const REFERENCE = /^[A-Z0-9]{1,12}-[A-Z0-9]{1,12}$/;
// What people type between the two parts ("CAF 7K3Q9", "caf  7k3q9", "CAF.7K3Q9", a phone's "–"): read as the hyphen,
// as the server does (LostLinkService.reference).
const SEPARATORS = '[\\s\\u00A0\\u202F._/\\u2010-\\u2015\\u2212-]+';

/** A reference as typed, written as on the convocation (CAF-7K3Q9). */
export function normalReference(typed) {
  return typed.toUpperCase().replace(new RegExp(`^${SEPARATORS}|${SEPARATORS}$`, 'g'), '')
    .replace(new RegExp(SEPARATORS, 'g'), '-');
}
const EMAIL = /^[^@\s<>()[\],;:\\]+@[^@\s<>()[\],;:\\"]+\.[^@\s<>()[\],;:\\"]+$/;
const PHONE = /^[0-9+ .()/\u00A0\u202F-]{6,30}$/;

export function setUpLostLink({ open = false, expired = false } = {}) {
  const box = document.getElementById('lien-perdu');
  const form = document.getElementById('lost-link-form');
  const result = document.getElementById('lost-link-result');
  if (!box || !form) {
    return;
  }
  box.hidden = false;
  document.getElementById('lost-link-expired').hidden = !expired;
  if (open || expired) {
    box.open = true;
    // A dead short link: the keyboard (and the screen reader) starts on why, then the form follows.
    const first = expired ? document.getElementById('lost-link-expired') : box.querySelector('summary');
    first.focus();
  }
  const errors = new FieldErrors(form, document.getElementById('lost-link-summary'), {
    reference: ['lost-reference', 'lostLink.referenceInvalid'],
    contact: ['lost-contact', 'lostLink.contactInvalid'],
  });
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    result.textContent = '';
    result.classList.remove('notice', 'error');
    const reference = normalReference(form.reference.value);
    const contact = form.contact.value.trim();
    const wrong = {};
    if (!reference) {
      wrong['lost-reference'] = t('lostLink.referenceMissing');
    } else if (!REFERENCE.test(reference)) {
      wrong['lost-reference'] = t('lostLink.referenceInvalid');
    }
    if (!contact) {
      wrong['lost-contact'] = t('lostLink.contactMissing');
    } else if (contact.includes('@') ? !EMAIL.test(contact) : !PHONE.test(contact) || contact.replace(/\D/g, '').length < 6) {
      wrong['lost-contact'] = t('lostLink.contactInvalid');
    } else if (!contact.includes('@') && !isMobile(contact)) {
      // No SMS reaches a landline: renewed, her link would stop working and the new one go nowhere.
      wrong['lost-contact'] = t('lostLink.contactLandline');
    }
    if (errors.show(wrong)) {
      return;
    }
    whileSending(button, async () => {
      try {
        await request('/api/visio/lost-link', { method: 'POST', anonymous: true, body: { reference, contact } });
        result.textContent = t('lostLink.sent');
        result.classList.add('notice');
        form.reset();
        // The answer is where the keyboard goes (WCAG 2.4.3): the button it was on says nothing more.
        result.focus();
      } catch (e) {
        if (e.status === 429) {
          result.textContent = t('lostLink.tooMany');
          result.classList.add('error');
          result.focus();
        } else {
          errors.fromRequest(e);
        }
      }
    });
  });
}
