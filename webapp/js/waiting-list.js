import { request, sendingKeys } from './api.js';
import { minutesInWords, t } from './i18n.js';
import { FieldErrors } from './form-errors.js';
import { announce, el, siteConfig, whileSending } from './ui.js';
import { EMAIL, isMobile, isPhone } from './contact.js';

/**
 * "Liste d'attente": shown where no slot is left. Her name and a way to reach her (e-mail and/or
 * phone); the first slot that frees up is offered to the first in line, by mail and by SMS to a
 * mobile, held for her a while. Once in line, the link to her place (to take an offer, or to leave the list) is shown.
 */
/**
 * How long an offer is held and how many a day, as this département set them (GET /api/config): said once known, never
 * a default figure that may not be hers.
 */
function howItWorks() {
  const line = el('p', { class: 'hint', id: 'waiting-how', hidden: true });
  // The page's own settings, read once as it opened (null offline: the line stays hidden).
  siteConfig().then((config) => {
    if (config) {
      line.textContent = t('waiting.howItWorks', { held: minutesInWords(config.waitingOfferHoldMinutes),
        perDay: config.waitingOffersPerDay });
      line.hidden = false;
    }
  });
  return line;
}

export function waitingListForm(service, point, { asMediator = false, level = 'h3' } = {}) {
  const k = (key) => (asMediator ? `${key}Other` : key);
  const field = (id, key, attributes = {}, hint = null) => [el('label', { for: id }, t(key)),
    hint ? el('p', { class: 'hint', id: `${id}-hint` }, t(hint)) : null,
    el('input', { id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}), ...attributes })];
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const form = el('form', { novalidate: true, id: 'waiting-form' },
    ...field('waiting-name', k('booking.name'), { required: true, autocomplete: asMediator ? 'off' : 'name', maxlength: '120' }),
    el('p', { class: 'hint' }, t('waiting.contactHint')),
    ...field('waiting-email', k('booking.email'), { type: 'email', autocomplete: asMediator ? 'off' : 'email' }, 'booking.emailHint'),
    ...field('waiting-phone', k('booking.phone'), { type: 'tel', autocomplete: asMediator ? 'off' : 'tel' }, 'booking.phoneHint'),
    error,
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'waiting-join' }, t('waiting.join'))));
  const box = el('section', { class: 'card', id: 'waiting-list', 'aria-labelledby': 'waiting-title' },
    el(level, { id: 'waiting-title' }, t('waiting.title')),
    el('p', {}, t(point ? 'waiting.introPoint' : 'waiting.intro', { point: point?.name || '' })),
    howItWorks(),
    form);
  const errors = new FieldErrors(form, error, { 'citizen.name': ['waiting-name', 'booking.nameRefused'],
    'citizen.email': ['waiting-email', 'booking.emailRefused'], 'citizen.phone': ['waiting-phone', 'booking.phoneRefused'],
    citizen: ['waiting-email', 'waiting.contactMissing'] });
  const submit = form.querySelector('button[type=submit]');
  // Asked again as it was (its answer lost, "Réessayez"), her place goes with its key: the server answers the place it
  // made, with its link, where she met "already on this list" and stayed in line without her link.
  const keys = sendingKeys();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(submit, () => join(service, point, form, errors, box, asMediator, keys));
  });
  return box;
}

async function join(service, point, form, errors, box, asMediator, keys) {
  errors.clear();
  const value = (id) => form.querySelector(`#${id}`).value.trim();
  const name = value('waiting-name');
  const email = value('waiting-email');
  const phone = value('waiting-phone');
  const wrong = {};
  if (!name) {
    wrong['waiting-name'] = t('booking.nameMissing');
  }
  if (!email && !phone) {
    wrong['waiting-email'] = t('waiting.contactMissing');
  }
  if (email && !EMAIL.test(email)) {
    wrong['waiting-email'] = t('booking.emailRefused');
  }
  if (phone && !isPhone(phone)) {
    wrong['waiting-phone'] = t('booking.phoneRefused');
  }
  if (errors.show(wrong)) {
    return;
  }
  const citizen = { name };
  if (email) {
    citizen.email = email;
  }
  if (phone) {
    citizen.phone = phone;
  }
  const body = { serviceId: service.id, citizen };
  if (point) {
    body.pointId = point.id;
  }
  let joined;
  const key = keys.of(body);
  try {
    joined = await request('/api/visio/waiting-list', { method: 'POST', body, anonymous: !asMediator,
      headers: { 'Idempotency-Key': key } });
    keys.answered(key);
  } catch (e) {
    errors.fromRequest(e);
    return;
  }
  const link = `${location.origin}/liste-attente.html#${joined.token}`;
  const done = el('div', { class: 'notice', id: 'waiting-joined', tabindex: '-1' },
    el('p', {}, el('strong', {}, t('waiting.joined'))),
    el('p', {}, joined.ahead === 0 ? t('waiting.first') : t('waiting.ahead', { n: joined.ahead })),
    el('p', {}, t(email ? 'waiting.byMail' : isMobile(phone) ? 'waiting.bySms' : 'waiting.byPhone')),
    el('p', {}, t('waiting.keepLink')),
    el('p', { class: 'link' }, el('code', {}, link)),
    el('p', {}, el('a', { href: link, id: 'waiting-place' }, t('waiting.placeLink'))));
  form.replaceWith(done);
  done.focus();
  announce(t('waiting.joined'));
  return box;
}
