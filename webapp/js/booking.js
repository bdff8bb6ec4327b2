import { newIdempotencyKey, request } from './api.js';
import { formatDateTime, formatDay, formatTime, formatWhen, t } from './i18n.js';
import { FieldErrors } from './form-errors.js';
import { announce, el, whileSending } from './ui.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** As the server reads it: digits with spaces, dots, dashes, parentheses, a leading +; 6 to 15 digits. */
function isPhone(value) {
  const digits = value.replace('(0)', '').replace(/\D/g, '');
  return /^\+?[0-9 .()/\u00A0\u202F-]+$/.test(value) && digits.length >= 6 && digits.length <= 15;
}

/**
 * The booking path, one question per screen: service → home or point → day and time →
 * contact → confirmation. Used by citizens (no account) and by mediators (their token).
 */
export class BookingWizard {
  constructor(root, { asMediator = false, onBooked } = {}) {
    this.root = root;
    this.asMediator = asMediator;
    this.onBooked = onBooked;
    this.choice = {};
    this.idempotencyKey = newIdempotencyKey();
  }

  async start() {
    this.services = await request('/api/visio/services', { anonymous: true });
    this.points = await request('/api/visio/points', { anonymous: true });
    this.showServices();
  }

  screen(titleKey, ...content) {
    const heading = el('h2', { tabindex: '-1' }, t(titleKey));
    this.root.replaceChildren(heading, ...content);
    heading.focus();
  }

  back(to) {
    return el('button', { type: 'button', class: 'secondary', onclick: to }, t('booking.back'));
  }

  showServices() {
    this.screen('booking.whichService', ...this.services.map((s) => el('div', { class: 'card' },
      el('button', { type: 'button', class: 'big', onclick: () => { this.choice.service = s; this.showWhere(); } },
        s.name, el('span', { class: 'sr-only' }, ` — ${s.administration}`)),
      el('p', { class: 'muted' }, `${s.administration} · ${t('booking.minutes', { n: s.durationMinutes })}`),
      s.description ? el('p', {}, s.description) : null,
      s.documents.length ? el('details', {}, el('summary', {}, t('booking.toBring')),
        el('ul', {}, ...s.documents.map((d) => el('li', {}, d)))) : null)));
  }

  showWhere() {
    const communes = [...new Set(this.points.map((p) => p.commune))].sort((a, b) => a.localeCompare(b, 'fr'));
    const filter = el('select', { id: 'commune' }, el('option', { value: '' }, t('booking.allCommunes')),
      ...communes.map((c) => el('option', { value: c }, c)));
    const list = el('div', {});
    const showPoints = () => list.replaceChildren(...this.points.filter((p) => !filter.value || p.commune === filter.value)
      .map((p) => el('button', { type: 'button', class: 'big secondary', onclick: () => { this.choice.point = p; this.showSlots(); } },
        `${p.name} — ${p.commune}`)));
    filter.addEventListener('change', showPoints);
    showPoints();
    this.screen('booking.where',
      el('button', { type: 'button', class: 'big', onclick: () => { this.choice.point = null; this.showSlots(); } },
        t('booking.fromHome')),
      el('h3', {}, t('booking.atPoint')),
      el('label', { for: 'commune' }, t('booking.commune')), filter, list,
      el('div', { class: 'actions' }, this.back(() => this.showServices())));
  }

  async showSlots(offsetDays = 0, reschedule = null) {
    const from = new Date(Date.now() + offsetDays * 86400000);
    const to = new Date(from.getTime() + 13 * 86400000);
    const iso = (d) => d.toISOString().slice(0, 10);
    const service = this.choice.service;
    let path = `/api/visio/services/${service.id}/slots?from=${iso(from)}&to=${iso(to)}`;
    if (this.choice.point) {
      path += `&pointId=${this.choice.point.id}`;
    }
    const slots = await request(path, { anonymous: true });
    const byDay = new Map();
    slots.forEach((s) => {
      const day = s.start.slice(0, 10);
      byDay.set(day, [...(byDay.get(day) || []), s]);
    });
    const days = [...byDay.entries()].map(([day, list]) => el('section', {},
      el('h3', {}, formatDay(day)),
      el('ul', { class: 'slots' }, ...list.map((s) => el('li', {}, el('button', { type: 'button', class: 'secondary',
        'aria-label': formatDateTime(s.start), onclick: () => (reschedule ? reschedule(s) : this.showContact(s)) },
      formatTime(s.start)))))));
    this.screen('booking.when',
      el('p', { class: 'muted' }, `${service.name}${this.choice.point ? ` — ${this.choice.point.name}` : ''}`),
      ...(days.length ? days : [el('p', {}, t('booking.noSlot'))]),
      el('div', { class: 'actions' },
        offsetDays > 0 ? el('button', { type: 'button', class: 'secondary', onclick: () => this.showSlots(offsetDays - 14, reschedule) },
          t('booking.earlier')) : null,
        el('button', { type: 'button', class: 'secondary', onclick: () => this.showSlots(offsetDays + 14, reschedule) },
          t('booking.later')),
        reschedule ? null : this.back(() => this.showWhere())));
  }

  showContact(slot) {
    this.choice.slot = slot;
    const field = (id, key, attributes = {}, hint = null) => [el('label', { for: id }, t(key)),
      hint ? el('p', { class: 'hint', id: `${id}-hint` }, t(hint)) : null,
      el('input', { id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}), ...attributes })];
    const needs = ['hearing', 'sight', 'interpreter', 'helper_present'].map((need) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'needs', value: need }), el('span', {}, t(`needs.${need}`))));
    const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
    const form = el('form', { novalidate: true },
      el('p', { class: 'notice' }, formatWhen(slot.start)),
      ...field('name', 'booking.name', { required: true, autocomplete: this.asMediator ? 'off' : 'name', maxlength: '120' }),
      el('p', { class: 'hint', id: 'contact-hint' }, t('booking.contactHint')),
      ...field('email', 'booking.email', { type: 'email', autocomplete: this.asMediator ? 'off' : 'email' }, 'booking.emailHint'),
      ...field('phone', 'booking.phone', { type: 'tel', autocomplete: this.asMediator ? 'off' : 'tel' }, 'booking.phoneHint'),
      el('fieldset', {}, el('legend', {}, t('booking.needs')), ...needs),
      el('label', { for: 'note' }, t('booking.note')), el('textarea', { id: 'note', rows: '2', maxlength: '1000' }),
      error,
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('booking.confirm')),
        this.back(() => this.showSlots())));
    const errors = new FieldErrors(form, error, { 'citizen.name': ['name', 'booking.nameRefused'],
      'citizen.email': ['email', 'booking.emailRefused'], 'citizen.phone': ['phone', 'booking.phoneRefused'],
      citizen: ['email', 'booking.contactMissing'], note: ['note', 'booking.noteRefused'] });
    const submit = form.querySelector('button[type=submit]');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileSending(submit, () => this.book(form, errors));
    });
    this.screen('booking.who', form);
  }

  async book(form, errors) {
    errors.clear();
    const name = form.querySelector('#name').value.trim();
    const email = form.querySelector('#email').value.trim();
    const phone = form.querySelector('#phone').value.trim();
    const wrong = {};
    if (!name) {
      wrong.name = t('booking.nameMissing');
    }
    if (!email && !phone) {
      wrong.email = t('booking.contactMissing');
    }
    if (email && !EMAIL.test(email)) {
      wrong.email = t('booking.emailRefused');
    }
    if (phone && !isPhone(phone)) {
      wrong.phone = t('booking.phoneRefused');
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
    const body = { serviceId: this.choice.service.id, start: this.choice.slot.start, citizen,
      accessibility: [...form.querySelectorAll('input[name=needs]:checked')].map((c) => c.value) };
    const note = form.querySelector('#note').value.trim();
    if (note) {
      body.note = note;
    }
    if (this.choice.point) {
      body.pointId = this.choice.point.id;
    }
    try {
      const booked = await request('/api/visio/appointments', { method: 'POST', body, anonymous: !this.asMediator,
        headers: { 'Idempotency-Key': this.idempotencyKey } });
      this.idempotencyKey = newIdempotencyKey();
      this.showConfirmation(booked);
      this.onBooked?.(booked);
    } catch (e) {
      // The form stays as it was typed: a retry sends the same answers with the same key.
      errors.fromRequest(e);
    }
  }

  showConfirmation(booked) {
    const link = `${location.origin}/rendez-vous.html#${booked.manageToken}`;
    const service = this.choice.service;
    this.screen('booking.confirmed',
      el('p', { class: 'notice' }, t('booking.reference'), ' ', el('strong', { id: 'reference' }, booked.reference)),
      el('p', {}, formatWhen(booked.start)),
      el('p', {}, booked.pointName ? `${booked.pointName}, ${booked.pointCommune}` : t('booking.fromHome')),
      service.documents.length ? el('div', {}, el('h3', {}, t('booking.toBring')),
        el('ul', {}, ...service.documents.map((d) => el('li', {}, d)))) : null,
      el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => downloadCalendar(booked.id, booked.manageToken) }, t('booking.addToCalendar')),
        el('a', { class: 'button secondary', href: link, id: 'manage-link' }, t('booking.manageLink'))),
      el('p', { class: 'hint' }, t('booking.keepLink')),
      el('p', {}, el('code', {}, link)));
    announce(t('booking.confirmedFor', { ref: booked.reference }));
  }
}

/** The calendar file needs the manage token in a header, so it is fetched then saved. */
export async function downloadCalendar(id, manageToken) {
  const response = await fetch(`/api/visio/appointments/${id}/calendar.ics`, { headers: { 'X-Manage-Token': manageToken } });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: 'rendez-vous.ics' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
