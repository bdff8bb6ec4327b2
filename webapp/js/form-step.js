import { FieldErrors, plainMessage } from './form-errors.js';
import { whileSending } from './ui.js';

/**
 * The one way a form of the professionals' pages is sent: submit → checked in the page → request
 * → reset → reload → what was done said. While it waits its button says "Envoi…" (`aria-disabled`,
 * `aria-busy`: it keeps the keyboard) and a second press sends nothing; a refusal, the page's or the server's, is said
 * under the field it concerns (`fields`: the server's field → [input id, message key]; a key
 * ending in `.*` takes the server's fields under it), never in the validator's words; a lost
 * connection keeps every answer.
 *
 * - `check()`: the refusals the page sees itself, {input id: message}; empty when all is well.
 * - `send()`: the request; its answer goes to `reload` and `said`.
 * - `reload(answer)`: what shows the change (a list, the form itself).
 * - `said(answer)`: the sentence of what was done, given to `tell` (a visible line, focused).
 * - `conflict`: the input a 409 concerns (a name already taken): the server's sentence goes under it.
 */
export function formStep(form, { summary, fields = {}, check = () => ({}), send, reset = true, reload = () => undefined, said,
  tell, conflict }) {
  const errors = new FieldErrors(form, summary, fields);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(form.querySelector('button[type=submit]'), async () => {
      errors.clear();
      if (errors.show(check())) {
        return;
      }
      let answer;
      try {
        answer = await send();
      } catch (e) {
        if (conflict && e?.status === 409) {
          errors.show({ [conflict]: plainMessage(e) });
        } else {
          errors.fromRequest(e);
        }
        return;
      }
      if (reset) {
        form.reset();
      }
      try {
        await reload(answer);
      } finally {
        tell(typeof said === 'function' ? said(answer) : said);
      }
    });
  });
  // Disabled in the page until here when the form is in the HTML: a press before the script came would do nothing.
  const submit = form.querySelector('button[type=submit]');
  if (submit) {
    submit.disabled = false;
  }
  return errors;
}
