import { request, sendingKeysBy } from './api.js';
import { EMAIL, isMobile, isPhone } from './contact.js';
import { formatTime, t } from './i18n.js';
import { FieldErrors, plainMessage } from './form-errors.js';
import { announce, el, markBusy, whileSending } from './ui.js';

/**
 * "Inviter une personne": the nurse or the doctor of a call invites an interpreter, a relative or
 * the resident's regular GP, with the resident's consent, by e-mail or SMS, and withdraws an
 * invitation. One dialog for the page, outside the list of requests (drawn again at each event):
 * what she typed survives a live update, and the keyboard goes back to the card's button.
 */
let dialog = null;
let form;
let errors;
let sendButton;
/**
 * The dialog's opening now shown (or last shown): { item, opener, sending }. What is sent from one opening stays its
 * request's: its answer, come late (a slow link) while the dialog shows another request or none, never touches it.
 */
let opening = null;
/**
 * By request, the keys of its invitations: one sent again as it was (its answer lost on a weak link, "Réessayez", even
 * from the dialog opened again) goes with its key, never a second mail or SMS to the guest, nor a second seat taken.
 */
const invitationKeys = sendingKeysBy();
/** The last list asked: an earlier answer, come after it, is not shown. */
let listAsked = 0;
/** By request: what became of what was sent for it while the dialog showed another one (shown when opened for it again). */
const toldLater = new Map();
let list;
let outcome;

/** Whether this request's call takes guests now (a video call, taken by a doctor, not yet closed). */
export function mayInvite(item) {
  return (item.status === 'assigned' || item.status === 'in_call') && item.kind !== 'opinion';
}

/** The card's button that opens the dialog for this request. */
export function inviteButton(item) {
  return el('button', { type: 'button', class: 'secondary', 'data-guests': item.id,
    'aria-label': t('guests.inviteFor', { ref: item.patient?.reference || '' }),
    onclick: (event) => openGuests(item, event.currentTarget) }, t('guests.invite'));
}

function field(id, label, input, hint = null) {
  return [el('label', { for: id }, label), hint, input];
}

function build() {
  const title = el('h2', { id: 'guests-title' }, t('guests.title'));
  const forLine = el('p', { id: 'guests-for', class: 'muted' });
  const summary = el('p', { id: 'guest-error', class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const name = el('input', { id: 'guest-name', name: 'name', maxlength: '80', autocomplete: 'off', required: true });
  const role = el('select', { id: 'guest-role', name: 'role' },
    ...['interpreter', 'family', 'gp'].map((r) => el('option', { value: r }, t(`guests.roles.${r}`))));
  const byMail = el('input', { type: 'radio', id: 'guest-by-mail', name: 'by', value: 'mail', checked: true });
  const bySms = el('input', { type: 'radio', id: 'guest-by-sms', name: 'by', value: 'sms' });
  const contactLabel = el('label', { for: 'guest-contact', id: 'guest-contact-label' }, t('guests.email'));
  const contactHint = el('p', { id: 'guest-contact-hint', class: 'hint', hidden: true }, t('guests.phoneHint'));
  const contact = el('input', { id: 'guest-contact', name: 'contact', type: 'email', maxlength: '254', autocomplete: 'off',
    spellcheck: 'false', required: true });
  const by = el('fieldset', {}, el('legend', {}, t('guests.by')),
    el('label', { class: 'check' }, byMail, el('span', {}, t('guests.byMail'))),
    el('label', { class: 'check' }, bySms, el('span', {}, t('guests.bySms'))));
  const sayContact = () => {
    const sms = bySms.checked;
    contactLabel.textContent = sms ? t('guests.phone') : t('guests.email');
    contact.type = sms ? 'tel' : 'email';
    contactHint.hidden = !sms;
    if (sms) {
      contact.setAttribute('aria-describedby', ['guest-contact-hint', ...(contact.getAttribute('aria-describedby') || '')
        .split(' ').filter((d) => d && d !== 'guest-contact-hint')].join(' '));
    } else {
      const rest = (contact.getAttribute('aria-describedby') || '').split(' ').filter((d) => d && d !== 'guest-contact-hint');
      if (rest.length) {
        contact.setAttribute('aria-describedby', rest.join(' '));
      } else {
        contact.removeAttribute('aria-describedby');
      }
    }
  };
  byMail.addEventListener('change', sayContact);
  bySms.addEventListener('change', sayContact);
  const consent = el('input', { type: 'checkbox', id: 'guest-consent', name: 'consent' });
  const consentBy = el('select', { id: 'guest-consent-by', name: 'consentBy' },
    el('option', { value: 'patient' }, t('nurse.byPatient')),
    el('option', { value: 'legal_representative' }, t('nurse.byRepresentative')));
  const send = el('button', { type: 'submit', id: 'guest-send' }, t('guests.send'));
  sendButton = send;
  const close = el('button', { type: 'button', class: 'secondary', id: 'guests-close' }, t('guests.close'));
  close.addEventListener('click', () => dialog.close());
  outcome = el('p', { id: 'guests-outcome', class: 'notice', role: 'status', tabindex: '-1', hidden: true });
  list = el('ul', { id: 'guests-list' });
  form = el('form', { id: 'guest-form', novalidate: true }, summary,
    ...field('guest-name', t('guests.name'), name),
    ...field('guest-role', t('guests.role'), role),
    by, contactLabel, contactHint, contact,
    el('label', { class: 'check' }, consent, el('span', {}, t('guests.consent'))),
    ...field('guest-consent-by', t('guests.consentBy'), consentBy),
    el('div', { class: 'actions' }, send, close));
  errors = new FieldErrors(form, summary, {
    name: ['guest-name', 'guests.nameMissing'],
    email: ['guest-contact', 'guests.emailWrong'],
    phone: ['guest-contact', 'guests.phoneWrong'],
    'consent.given': ['guest-consent', 'guests.consentMissing'],
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const mine = opening;
    if (mine && !mine.sending) {
      invite(mine);
    }
  });
  dialog = el('dialog', { id: 'guests-dialog', 'aria-labelledby': 'guests-title' }, title, forLine,
    el('p', { class: 'hint' }, t('guests.hint')), form, outcome,
    el('h3', { id: 'guests-list-title' }, t('guests.invited')), list);
  // However it closes (its button, Escape): back to the card's button, drawn anew if the list changed meanwhile.
  dialog.addEventListener('close', () => {
    const again = document.querySelector(`button[data-guests="${opening?.item.id}"]`);
    const opener = opening?.opener;
    (again || (opener?.isConnected ? opener : null) || document.getElementById('main'))?.focus();
    if (opening?.sending) {
      // Closed while the invitation goes: it goes on, and what became of it will be said, naming the resident.
      announce(t('guests.stillSending', { ref: reference(opening) }));
    }
  });
  document.getElementById('main').append(dialog);
}

function openGuests(item, button) {
  if (!dialog) {
    build();
  }
  opening = { item, opener: button, sending: false };
  form.reset();
  form.querySelector('#guest-by-mail').dispatchEvent(new Event('change'));
  errors.clear();
  showSending(false);
  outcome.hidden = true;
  dialog.querySelector('#guests-for').textContent = t('guests.for', { ref: reference(opening) });
  list.replaceChildren();
  dialog.showModal();
  form.querySelector('#guest-name').focus();
  if (toldLater.has(item.id)) {
    say(toldLater.get(item.id));
    toldLater.delete(item.id);
  }
  refresh(opening);
}

function reference(mine) {
  return mine.item.patient?.reference || '';
}

/** Whether the dialog still shows this opening. */
function stillShown(mine) {
  return mine === opening && dialog.open;
}

/** "Envoyer l'invitation" as the opening shown leaves it: busy only while that opening's invitation is on its way. */
function showSending(sending) {
  // Kept focusable while it waits (markBusy): the keyboard stays on it.
  markBusy(sendButton, sending);
  sendButton.textContent = t(sending ? 'common.sending' : 'guests.send');
}

/** The guests of this opening's request, shown only if the dialog still shows it and no later list was asked. */
async function refresh(mine) {
  listAsked += 1;
  const asked = listAsked;
  let shown;
  try {
    const guests = await request(`/api/teleconsultations/${mine.item.id}/guests`);
    shown = guests.length ? guests.map((guest) => line(mine, guest)) : [el('li', { class: 'muted' }, t('guests.none'))];
  } catch (e) {
    shown = [el('li', { class: 'error' }, plainMessage(e))];
  }
  if (asked === listAsked && mine === opening) {
    list.replaceChildren(...shown);
  }
}

/**
 * What became of something sent from an opening the dialog no longer shows, said naming the resident: in the dialog if
 * it shows her request again (what is typed there is left as it is), else to screen readers at once, and in the dialog
 * when it is opened for her request again.
 */
function tellElsewhere(mine, text) {
  if (dialog.open && opening?.item.id === mine.item.id) {
    say(text, { focus: false });
    refresh(opening);
    return;
  }
  toldLater.set(mine.item.id, text);
  announce(text);
}

function line(mine, guest) {
  const state = guest.removedAt ? t('guests.removed') : !guest.current ? t('guests.void')
    : guest.joinedAt ? `${t('guests.joined')} (${formatTime(guest.joinedAt)})`
      : guest.openedAt ? `${t('guests.opened')} (${formatTime(guest.openedAt)})` : null;
  const text = t('guests.line', { name: guest.name, role: t(`guests.roles.${guest.role}`),
    channel: t(guest.channel === 'sms' ? 'guests.viaSms' : 'guests.viaMail'), contact: guest.contact, by: guest.invitedByName,
    consent: t(guest.consentBy === 'legal_representative' ? 'nurse.byRepresentative' : 'nurse.byPatient') });
  const remove = guest.current ? el('button', { type: 'button', class: 'secondary', 'data-guest': guest.id,
    'aria-label': t('guests.removeFor', { name: guest.name }) }, t('guests.remove')) : null;
  remove?.addEventListener('click', () => whileSending(remove, () => withdraw(mine, guest)));
  return el('li', { 'data-guest-line': guest.id }, text, state ? ` — ${state}` : '', remove ? ' ' : '', remove);
}

async function withdraw(mine, guest) {
  const ref = reference(mine);
  try {
    await request(`/api/teleconsultations/${mine.item.id}/guests/${guest.id}`, { method: 'DELETE' });
    if (stillShown(mine)) {
      say(t('guests.removedSaid', { name: guest.name }));
      await refresh(mine);
    } else {
      tellElsewhere(mine, t('guests.removedSaidFor', { name: guest.name, ref }));
    }
  } catch (e) {
    const reason = plainMessage(e);
    if (stillShown(mine)) {
      say(reason);
    } else {
      tellElsewhere(mine, t('guests.removeFailedFor', { name: guest.name, ref, reason }));
    }
  }
}

/** Above the list of guests, and to screen readers; focused unless she is typing in the dialog (`focus: false`). */
function say(text, { focus = true } = {}) {
  outcome.textContent = text;
  outcome.hidden = false;
  if (focus) {
    outcome.focus();
  }
  announce(text);
}

/**
 * Checked here first, each slip under its field; what the server refuses is said there too, if the dialog still shows
 * this opening (else said naming the resident: what she types for another one is left as it is).
 */
async function invite(mine) {
  errors.clear();
  const name = form.querySelector('#guest-name').value.trim();
  const sms = form.querySelector('#guest-by-sms').checked;
  const contact = form.querySelector('#guest-contact').value.trim();
  const consent = form.querySelector('#guest-consent').checked;
  const wrong = {};
  if (!name) {
    wrong['guest-name'] = t('guests.nameMissing');
  }
  // A mobile as the server reads it (overseas departments' included), an address as it checks it.
  if (sms ? !(isPhone(contact) && isMobile(contact)) : !EMAIL.test(contact)) {
    wrong['guest-contact'] = t(sms ? 'guests.phoneWrong' : 'guests.emailWrong');
  }
  if (!consent) {
    wrong['guest-consent'] = t('guests.consentMissing');
  }
  if (errors.show(wrong)) {
    return;
  }
  const body = { name, role: form.querySelector('#guest-role').value,
    consent: { given: true, by: form.querySelector('#guest-consent-by').value } };
  body[sms ? 'phone' : 'email'] = contact;
  const ref = reference(mine);
  mine.sending = true;
  showSending(true);
  let guest = null;
  let refused = null;
  const keys = invitationKeys(mine.item.id);
  const key = keys.of(body);
  try {
    guest = await request(`/api/teleconsultations/${mine.item.id}/guests`, { method: 'POST', body,
      headers: { 'Idempotency-Key': key } });
    keys.answered(key);
  } catch (e) {
    refused = e;
  }
  mine.sending = false;
  const shown = stillShown(mine);
  if (mine === opening) {
    showSending(false);
  }
  if (guest && shown) {
    form.reset();
    form.querySelector('#guest-by-mail').dispatchEvent(new Event('change'));
    say(t(guest.sent === false ? 'guests.notSent' : 'guests.sent', { name: guest.name }));
    await refresh(mine);
  } else if (guest) {
    tellElsewhere(mine, t(guest.sent === false ? 'guests.notSentFor' : 'guests.sentFor', { name: guest.name, ref }));
  } else if (shown) {
    errors.fromRequest(refused);
  } else {
    tellElsewhere(mine, t('guests.failedFor', { name, ref, reason: plainMessage(refused) }));
  }
}
