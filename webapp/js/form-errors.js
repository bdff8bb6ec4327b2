import { t } from './i18n.js';
import { el } from './ui.js';

/**
 * Refusals shown where the person looks: under the field they concern, in plain French with
 * the expected format, the field marked `aria-invalid` and described by the message. The
 * server's own wording is never shown for a field: its problem document names the `field`, and
 * the page says it in its words (`fields`: the server's field → [input id, message key]; a key ending
 * in `.*`, such as `hours.*`, takes every field under it: `hours.0.end`).
 */
export class FieldErrors {
  constructor(form, summary, fields = {}) {
    this.form = form;
    this.summary = summary;
    this.fields = fields;
  }

  clear() {
    this.form.querySelectorAll('.field-error').forEach((p) => p.remove());
    this.form.querySelectorAll('[aria-invalid]').forEach((input) => {
      input.removeAttribute('aria-invalid');
      const described = (input.getAttribute('aria-describedby') || '').split(' ')
        .filter((id) => id && !id.endsWith('-error')).join(' ');
      if (described) {
        input.setAttribute('aria-describedby', described);
      } else {
        input.removeAttribute('aria-describedby');
      }
    });
    this.summary.hidden = true;
  }

  /** The message under the input (after its label and hint), tied to it. */
  set(inputId, message) {
    const input = this.form.querySelector(`#${inputId}`);
    const id = `${inputId}-error`;
    let p = this.form.querySelector(`#${id}`);
    if (!p) {
      p = el('p', { id, class: 'error field-error' });
      // Above the field, after its label: read before typing, seen before the keyboard covers it.
      (input.closest('label.check') || input).before(p);
    }
    p.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    const described = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    described.add(id);
    input.setAttribute('aria-describedby', [...described].join(' '));
    return input;
  }

  /** Several at once: focus goes to the first field to correct, and the summary says how many. */
  show(errors) {
    const entries = Object.entries(errors);
    if (!entries.length) {
      return false;
    }
    const inputs = entries.map(([inputId, message]) => this.set(inputId, message));
    this.summary.textContent = entries.length === 1 ? t('form.oneError') : t('form.errors', { n: entries.length });
    this.summary.hidden = false;
    inputs[0].focus();
    return true;
  }

  /** A refusal of the server, or a lost connection: under its field when it has one, else above the button. */
  fromRequest(error) {
    const mapped = error?.field && (this.fields[error.field] || Object.entries(this.fields)
      .find(([key]) => key.endsWith('.*') && error.field.startsWith(key.slice(0, -1)))?.[1]);
    if (mapped) {
      this.show({ [mapped[0]]: t(mapped[1]) });
      return;
    }
    this.summary.textContent = error?.status === 400 && error.field ? t('form.invalid') : plainMessage(error, 'form.connectionLost');
    this.summary.hidden = false;
    this.summary.focus?.();
  }
}

/** The words of a schema validator ("String does not match pattern", "5 < 10"): never shown to a person. */
const VALIDATOR = /does not match|pattern|schema|Instance|String|Value|Expected|minimum|maximum|too (long|short)|[<>]/;

/** The sentence for a request left unanswered, by the sentence of a lost connection it stands for. */
const NO_ANSWER = { 'common.connectionLost': 'common.noAnswer', 'form.connectionLost': 'form.noAnswer' };

/**
 * What a page may say of a failed request: a lost connection in plain words, a refusal worded by
 * the validator in general words, any other refusal as the server wrote it in the page's language.
 */
export function plainMessage(error, offlineKey = 'common.connectionLost') {
  if (error?.status === 0) {
    // No answer in time (the link stalled, nothing came back): said as such, the rest of the page's sentence kept.
    return t(error.timedOut ? NO_ANSWER[offlineKey] || 'common.noAnswer' : offlineKey);
  }
  if (error?.status === 400 && VALIDATOR.test(error.message || '')) {
    return t('form.invalid');
  }
  return error?.message || t('common.error');
}
