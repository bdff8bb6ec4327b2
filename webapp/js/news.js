import { announce, el } from './ui.js';

/**
 * Says something to screen readers wherever the keyboard is. While a modal dialog is open, the rest of the page is
 * inert, out of the accessibility tree: the page's status line (`announce`) is not heard. The news of a request the
 * dialog does not show (a late answer for another resident, come on a slow link) is then said by a status line of the
 * dialog's own, for screen readers only: what the dialog shows, and what is typed in it, is left as it is.
 */
export function tell(message) {
  const dialog = [...document.querySelectorAll('dialog[open]')].pop();
  if (!dialog) {
    announce(message);
    return;
  }
  let line = dialog.querySelector(':scope > .dialog-news');
  if (!line) {
    line = el('p', { class: 'sr-only dialog-news', role: 'status' });
    dialog.append(line);
  }
  line.textContent = '';
  setTimeout(() => { line.textContent = message; }, 50);
}
