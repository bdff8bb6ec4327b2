import { request, sendingKeys } from './api.js';
import { formatMoment, t } from './i18n.js';
import { askBeforeLanguageSwitch, el, whileSending } from './ui.js';
import { plainMessage } from './form-errors.js';

/**
 * The written exchange of a request (a téléexpertise's, or beside a call): its messages, oldest
 * first, and for those who may write, a box to write the next one. The lists are drawn again at
 * each event, so each item's box is made once and moved into its new card: what she is typing
 * stays, and so does the focus (`keepingFocus`).
 */
const composers = new Map();
// A message typed and not sent would go with the page the language switch reloads: named in its question.
askBeforeLanguageSwitch(() => ([...composers.values()].some((form) => form.querySelector('textarea').value.trim())
  ? t('common.unsent.message') : null));

function composer(item, onSent) {
  if (composers.has(item.id)) {
    return composers.get(item.id);
  }
  const id = `message-${item.id}`;
  const text = el('textarea', { id, rows: '3', maxlength: '4000', 'data-composer': 'true' });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const send = el('button', { type: 'submit' }, t('exchange.send'));
  const form = el('form', { class: 'composer', novalidate: true },
    el('label', { for: id }, t('exchange.yourMessage')), text, error, el('div', { class: 'actions' }, send));
  // Sent again as it was (its answer lost, "Réessayez"), a message goes with its key: never written twice in the record.
  const keys = sendingKeys();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(send, async () => {
      error.hidden = true;
      const written = text.value.trim();
      if (!written) {
        error.textContent = t('exchange.empty');
        error.hidden = false;
        text.setAttribute('aria-invalid', 'true');
        text.focus();
        return;
      }
      text.removeAttribute('aria-invalid');
      const key = keys.of(written);
      try {
        const after = await request(`/api/teleconsultations/${item.id}/messages`, { method: 'POST', body: { text: written },
          headers: { 'Idempotency-Key': key } });
        keys.answered(key);
        text.value = '';
        onSent(after);
        text.focus();
      } catch (e) {
        error.textContent = plainMessage(e, 'form.connectionLost');
        error.hidden = false;
      }
    });
  });
  composers.set(item.id, form);
  return form;
}

/** The exchange's section of a card; `write`: the viewer may write (and `onSent` gets the item back). */
export function exchangeView(item, { write = false, onSent = () => {} } = {}) {
  const messages = item.messages || [];
  const open = item.status === 'assigned' || item.status === 'in_call';
  if (!messages.length && !(write && open) && item.kind !== 'opinion') {
    return null;
  }
  if (!open) {
    composers.delete(item.id);
  }
  return el('section', { class: 'exchange', 'aria-label': t('exchange.title') },
    el('h4', {}, t('exchange.title')),
    messages.length ? el('ol', { class: 'messages' }, ...messages.map((m) => el('li', { class: `message ${m.side}` },
      el('p', { class: 'muted' }, t(`exchange.${m.side}`, { name: m.authorName }), ' · ', formatMoment(m.at)),
      el('p', {}, m.text))))
      : el('p', { class: 'muted' }, t(item.status === 'queued' ? 'exchange.afterClaim' : 'exchange.none')),
    write && open ? composer(item, onSent) : null);
}

/** Draws again (`draw`) without losing the place where she types: the focused box gets its focus and caret back. */
export function keepingFocus(draw) {
  const active = document.activeElement;
  const typing = active?.dataset?.composer ? active : null;
  const caret = typing ? [typing.selectionStart, typing.selectionEnd] : null;
  draw();
  if (typing && typing.isConnected && document.activeElement !== typing) {
    typing.focus();
    typing.setSelectionRange(...caret);
  }
}
