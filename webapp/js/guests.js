import { request } from './api.js';
import { EMAIL, isMobile, isPhone } from './contact.js';
import { formatTime, t } from './i18n.js';
import { FieldErrors, plainMessage } from './form-errors.js';
import { announce, el, whileSending } from './ui.js';

/**
 * "Inviter une personne": the nurse or the doctor of a call invites an interpreter, a relative or
 * the resident's regular GP, with the resident's consent, by e-mail or SMS, and withdraws an
 * invitation. One dialog for the page, outside the list of requests (drawn again at each event):
 * what she typed survives a live update, and the keyboard goes back to the card's button.
 */
let dialog = null;
let form;
let errors;
let forItem = null;
let opener = null;
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
    whileSending(send, invite);
  });
  dialog = el('dialog', { id: 'guests-dialog', 'aria-labelledby': 'guests-title' }, title, forLine,
    el('p', { class: 'hint' }, t('guests.hint')), form, outcome,
    el('h3', { id: 'guests-list-title' }, t('guests.invited')), list);
  // However it closes (its button, Escape): back to the card's button, drawn anew if the list changed meanwhile.
  dialog.addEventListener('close', () => {
    const again = document.querySelector(`button[data-guests="${forItem?.id}"]`);
    (again || (opener?.isConnected ? opener : null) || document.getElementById('main'))?.focus();
  });
  document.getElementById('main').append(dialog);
}

function openGuests(item, button) {
  if (!dialog) {
    build();
  }
  forItem = item;
  opener = button;
  form.reset();
  form.querySelector('#guest-by-mail').dispatchEvent(new Event('change'));
  errors.clear();
  outcome.hidden = true;
  dialog.querySelector('#guests-for').textContent = t('guests.for', { ref: item.patient?.reference || '' });
  list.replaceChildren();
  dialog.showModal();
  form.querySelector('#guest-name').focus();
  refresh();
}

async function refresh() {
  try {
    const guests = await request(`/api/teleconsultations/${forItem.id}/guests`);
    list.replaceChildren(...(guests.length ? guests.map(line) : [el('li', { class: 'muted' }, t('guests.none'))]));
  } catch (e) {
    list.replaceChildren(el('li', { class: 'error' }, plainMessage(e)));
  }
}

function line(guest) {
  const state = guest.removedAt ? t('guests.removed') : !guest.current ? t('guests.void')
    : guest.joinedAt ? `${t('guests.joined')} (${formatTime(guest.joinedAt)})`
      : guest.openedAt ? `${t('guests.opened')} (${formatTime(guest.openedAt)})` : null;
  const text = t('guests.line', { name: guest.name, role: t(`guests.roles.${guest.role}`),
    channel: t(guest.channel === 'sms' ? 'guests.viaSms' : 'guests.viaMail'), contact: guest.contact, by: guest.invitedByName,
    consent: t(guest.consentBy === 'legal_representative' ? 'nurse.byRepresentative' : 'nurse.byPatient') });
  const remove = guest.current ? el('button', { type: 'button', class: 'secondary', 'data-guest': guest.id,
    'aria-label': t('guests.removeFor', { name: guest.name }) }, t('guests.remove')) : null;
  remove?.addEventListener('click', () => whileSending(remove, () => withdraw(guest)));
  return el('li', { 'data-guest-line': guest.id }, text, state ? ` — ${state}` : '', remove ? ' ' : '', remove);
}

async function withdraw(guest) {
  try {
    await request(`/api/teleconsultations/${forItem.id}/guests/${guest.id}`, { method: 'DELETE' });
    say(t('guests.removedSaid', { name: guest.name }));
    await refresh();
  } catch (e) {
    say(plainMessage(e));
  }
}

function say(text) {
  outcome.textContent = text;
  outcome.hidden = false;
  outcome.focus();
  announce(text);
}

/** Checked here first, each slip under its field; what the server refuses is said there too. */
async function invite() {
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
  try {
    const guest = await request(`/api/teleconsultations/${forItem.id}/guests`, { method: 'POST', body });
    form.reset();
    form.querySelector('#guest-by-mail').dispatchEvent(new Event('change'));
    say(t(guest.sent === false ? 'guests.notSent' : 'guests.sent', { name: guest.name }));
    await refresh();
  } catch (e) {
    errors.fromRequest(e);
  }
}
