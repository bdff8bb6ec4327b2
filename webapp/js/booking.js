import { ANSWER_DEADLINE_MS, newIdempotencyKey, notJudged, request, withinDeadline } from './api.js';
import { currentLanguage, dayOf, formatDateTime, formatDay, formatTime, formatWhen, t } from './i18n.js';
import { FieldErrors, plainMessage } from './form-errors.js';
import { announce, appointmentQr, el, statusLine, whileSending } from './ui.js';
import { EMAIL, isMobile, isPhone } from './contact.js';
import { waitingListForm } from './waiting-list.js';


const STEPS = 4;

/**
 * The booking path, one question per screen: service → home or point → day and time →
 * contact → confirmation. Used by citizens (no account) and by mediators (their token).
 * "Étape 2 sur 4" and "Retour" head each step. With `history`, each step is an entry of the
 * browser's history (?etape=2): Back shows the previous step with its answers, Forward returns.
 * The answers are kept in sessionStorage as they are given (a reload loses nothing) and dropped
 * once the booking is confirmed.
 */
export class BookingWizard {
  constructor(root, { asMediator = false, onBooked, history = false, homeOrganisationId = null } = {}) {
    this.root = root;
    this.asMediator = asMediator;
    // The mediator's own point (the one his organisation runs), offered first and its commune chosen.
    this.homeOrganisationId = homeOrganisationId;
    this.onBooked = onBooked;
    this.history = history;
    this.draftKey = asMediator ? 'cantou.booking.mediator' : 'cantou.booking';
    this.choice = {};
    this.contact = {};
    this.step = 1;
    this.idempotencyKey = newIdempotencyKey();
  }
  /**
   * A heading of the wizard, {@code depth} levels below its step's: the citizen's page gives
   * each step an h2; the mediator's, where the wizard sits under his section's h2, an h3.
   */
  level(depth) {
    return `h${(this.asMediator ? 3 : 2) + depth}`;
  }


  /**
   * Loads the services and shows the step of the draft (or the first). With `focus: false` that first step leaves
   * the keyboard and the scroll where they are (the page put them on something above it: a dead link's explanation).
   */
  async start({ focus = true } = {}) {
    this.quiet = !focus;
    // The citizen's page as served carries the catalogue (and shows the first step): no request to wait for.
    const served = this.history ? servedCatalogue() : null;
    try {
      [this.services, this.points] = served ? [served.services, served.points] : await Promise.all([
        request('/api/visio/services', { anonymous: true }), request('/api/visio/points', { anonymous: true })]);
    } catch (e) {
      // The loading line is gone by now: say why nothing comes, and offer to try again.
      this.root.replaceChildren(failure(e, () => this.start()));
      return;
    }
    const draft = this.restore();
    if (!this.history) {
      this.go(draft?.step || 1, { push: false });
      return;
    }
    // Back to a step of the booking just made: its confirmation again (its draft is gone), until she starts another.
    window.addEventListener('popstate', (event) => {
      const kept = this.keptConfirmation();
      if (kept) {
        this.showConfirmation(kept.booked, kept.serviceId);
      } else {
        this.go(event.state?.bookingStep || 1, { push: false });
      }
    });
    // A service pressed in the step as served, before the scripts came (the form went as ?etape=2&service=…).
    const pressed = this.services.find((s) => s.id === new URLSearchParams(location.search).get('service'));
    const kept = this.keptConfirmation();
    if (kept && !pressed && cameBackToThisPage()) {
      this.showConfirmation(kept.booked, kept.serviceId);
      return;
    }
    // Opened afresh (someone else, perhaps, on a shared computer) or a new booking begun: the last one is forgotten.
    this.forgetConfirmation();
    if (pressed && pressed.id !== this.choice.service?.id) {
      this.choice = { service: pressed };
    }
    const step = pressed ? 2 : history.state?.bookingStep || draft?.step || 1;
    history.replaceState({ bookingStep: step }, '', stepUrl(step));
    const form = this.root.querySelector('form.served-step');
    if (step === 1 && form && currentLanguage() === 'fr') {
      // The step as served stays as it is (she may be reading it, scrolled down): its presses are now the script's.
      this.step = 1;
      this.save();
      this.quiet = false;
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const service = this.services.find((s) => s.id === event.submitter?.value);
        if (service) {
          this.choice.service = service;
          this.go(2);
        }
      });
      return;
    }
    this.go(step, { push: false });
  }

  /** The draft of this tab, if any: the choices made and the contact typed so far. */
  restore() {
    let draft = null;
    try {
      draft = JSON.parse(sessionStorage.getItem(this.draftKey) || 'null');
    } catch (e) {
      draft = null;
    }
    if (!draft) {
      return null;
    }
    this.choice.service = this.services.find((s) => s.id === draft.serviceId);
    this.choice.where = draft.where;
    this.choice.point = this.points.find((p) => p.id === draft.pointId) || null;
    this.choice.slot = draft.slot || null;
    this.choice.offsetDays = draft.offsetDays || 0;
    this.contact = draft.contact || {};
    if (draft.idempotencyKey) {
      this.idempotencyKey = draft.idempotencyKey;
    }
    this.unanswered = draft.unanswered || null;
    return draft;
  }

  save() {
    sessionStorage.setItem(this.draftKey, JSON.stringify({ step: this.step, serviceId: this.choice.service?.id,
      where: this.choice.where, pointId: this.choice.point?.id, slot: this.choice.slot, offsetDays: this.choice.offsetDays,
      contact: this.contact, idempotencyKey: this.idempotencyKey, unanswered: this.unanswered }));
  }

  /** Shows a step (the earliest one whose answers are missing, if some are), as a new history entry unless `push` is false. */
  go(wanted, { push = true } = {}) {
    let step = wanted;
    if (step >= 2 && !this.choice.service) {
      step = 1;
    } else if (step >= 3 && !this.choice.where) {
      step = 2;
    } else if (step >= 4 && !this.choice.slot) {
      step = 3;
    }
    this.step = step;
    this.save();
    if (this.history && push) {
      history.pushState({ bookingStep: step }, '', stepUrl(step));
    } else if (this.history && step !== wanted) {
      history.replaceState({ bookingStep: step }, '', stepUrl(step));
    }
    [null, () => this.showServices(), () => this.showWhere(), () => this.showSlots(this.choice.offsetDays || 0),
      () => this.showContact(this.choice.slot)][step]();
  }

  /** "Retour": the browser's own Back when steps are history entries, so both agree. */
  goBack() {
    if (this.history) {
      history.back();
    } else {
      this.go(this.step - 1, { push: false });
    }
  }

  /** The wording for a mediator booking for someone else ("Pour qui prenez-vous rendez-vous ?"), else the citizen's. */
  k(key) {
    return this.asMediator ? `${key}Other` : key;
  }

  /** A screen: with `step`, "Étape n sur 4" and "Retour" above its heading. */
  screen(titleKey, step, ...content) {
    // Under the mediator's own section heading (an h2), each step is a sub-part: an h3.
    const heading = el(this.level(0), { tabindex: '-1', 'aria-describedby': step ? 'stepper' : null }, t(titleKey));
    this.root.replaceChildren(...[
      step ? el('p', { class: 'stepper', id: 'stepper' }, t('booking.step', { n: step, of: STEPS })) : null,
      // The public services' stepper: one segment a step, those done and the current one filled (the words say it).
      step ? el('div', { class: 'steps', 'aria-hidden': 'true' },
        ...Array.from({ length: STEPS }, (_, i) => el('span', { class: i < step ? 'done' : null }))) : null,
      step > 1 ? el('button', { type: 'button', class: 'secondary back', onclick: () => this.goBack() }, t('booking.back')) : null,
      heading, ...content].filter(Boolean));
    this.root.removeAttribute('aria-busy');
    if (this.quiet) {
      this.quiet = false;
    } else {
      heading.focus();
    }
  }

  showServices() {
    this.screen(this.k('booking.whichService'), 1, ...this.services.map((s) => el('div', { class: 'card' },
      el('button', { type: 'button', class: 'big', onclick: () => { this.choice.service = s; this.go(2); } },
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
    const home = this.homeOrganisationId ? this.points.find((p) => p.organisationId === this.homeOrganisationId) : null;
    if (home) {
      filter.value = home.commune;
    }
    const list = el('div', {});
    const showPoints = () => list.replaceChildren(...this.points.filter((p) => !filter.value || p.commune === filter.value)
      .map((p) => el('button', { type: 'button', class: 'big secondary', onclick: () => this.chooseWhere(p) },
        `${p.name} — ${p.commune}`)));
    filter.addEventListener('change', showPoints);
    showPoints();
    this.screen(this.k('booking.where'), 2,
      home ? el('button', { type: 'button', class: 'big', id: 'home-point', onclick: () => this.chooseWhere(home) },
        t('booking.here', { point: home.name })) : null,
      el('button', { type: 'button', class: home ? 'big secondary' : 'big', onclick: () => this.chooseWhere(null) },
        t(this.k('booking.fromHome'))),
      el(this.level(1), {}, t(this.k('booking.atPoint'))),
      el('label', { for: 'commune' }, t('booking.commune')), filter, list);
  }

  chooseWhere(point) {
    this.choice.where = true;
    this.choice.point = point;
    this.choice.offsetDays = 0;
    this.go(3);
  }

  /**
   * Step 3 shows at once, saying that it searches (the previous step's buttons are gone: a second press cannot ask
   * again nor add a history entry); the slots replace that line when they come. An answer that comes after the person
   * left this screen (Back, "Jours suivants", a slot chosen) is dropped; a failure says so, with "Réessayer".
   */
  async showSlots(offsetDays = 0, reschedule = null) {
    this.choice.offsetDays = offsetDays;
    if (!reschedule) {
      this.save();
    }
    const service = this.choice.service;
    // Days of the service's own calendar (the server reads them so): today there, not in UTC — a service in Tahiti
    // lost its afternoon's slots, its "today" being UTC's tomorrow.
    const from = addDays(dayOf(Date.now(), service.timeZone), offsetDays);
    let path = `/api/visio/services/${service.id}/slots?from=${from}&to=${addDays(from, 13)}`;
    if (this.choice.point) {
      path += `&pointId=${this.choice.point.id}`;
    }
    const searching = statusLine({ class: 'notice', id: 'searching' }, t('booking.searching'));
    this.screen('booking.when', reschedule ? null : 3,
      reschedule?.keep ? el('button', { type: 'button', class: 'secondary back', onclick: reschedule.keep }, t('manage.keepDate'))
        : null,
      el('p', { class: 'muted' }, `${service.name}${this.choice.point ? ` — ${this.choice.point.name}` : ''}`), searching);
    this.root.setAttribute('aria-busy', 'true');
    let slots;
    try {
      slots = await request(path, { anonymous: true });
    } catch (e) {
      if (searching.isConnected) {
        this.root.removeAttribute('aria-busy');
        searching.replaceWith(failure(e, () => this.showSlots(offsetDays, reschedule)));
      }
      return;
    }
    if (!searching.isConnected) {
      return;
    }
    this.root.removeAttribute('aria-busy');
    // Each slot in its service's own zone; its day is the one written in its time ("2026-12-03T09:00+04:00").
    const zone = service.timeZone;
    const byDay = new Map();
    slots.forEach((s) => {
      const day = s.start.slice(0, 10);
      byDay.set(day, [...(byDay.get(day) || []), s]);
    });
    const days = [...byDay.entries()].map(([day, list]) => el('section', { 'data-day': day },
      el(this.level(1), {}, formatDay(day)),
      el('ul', { class: 'slots' }, ...list.map((s) => el('li', {}, el('button', { type: 'button', class: 'secondary',
        'aria-label': formatDateTime(s.start, zone), onclick: () => (reschedule ? reschedule(s) : this.chooseSlot(s)) },
      formatTime(s.start, zone)))))));
    // None in these days: she may leave her name to be offered the first slot that frees up.
    const none = [el('p', {}, t('booking.noSlot')),
      reschedule ? null : waitingListForm(service, this.choice.point, { asMediator: this.asMediator, level: this.level(1) })];
    searching.replaceWith(...(days.length ? days : none.filter(Boolean)),
      el('div', { class: 'actions' },
        offsetDays > 0 ? el('button', { type: 'button', class: 'secondary', onclick: () => this.showSlots(offsetDays - 14, reschedule) },
          t('booking.earlier')) : null,
        el('button', { type: 'button', class: 'secondary', onclick: () => this.showSlots(offsetDays + 14, reschedule) },
          t('booking.later'))));
  }

  chooseSlot(slot) {
    this.choice.slot = slot;
    this.go(4);
  }

  showContact(slot) {
    const field = (id, key, attributes = {}, hint = null) => [el('label', { for: id }, t(key)),
      hint ? el('p', { class: 'hint', id: `${id}-hint` }, t(hint)) : null,
      el('input', { id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}), ...attributes })];
    const needs = ['hearing', 'sight', 'interpreter', 'helper_present'].map((need) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'needs', value: need }), el('span', {}, t(this.asMediator ? `needsOther.${need}` : `needs.${need}`))));
    const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
    const form = el('form', { novalidate: true },
      el('p', { class: 'notice' }, formatWhen(slot.start, this.choice.service.timeZone)),
      ...field('name', this.k('booking.name'), { required: true, autocomplete: this.asMediator ? 'off' : 'name', maxlength: '120' }),
      el('p', { class: 'hint', id: 'contact-hint' }, t(this.k('booking.contactHint'))),
      ...field('email', this.k('booking.email'), { type: 'email', autocomplete: this.asMediator ? 'off' : 'email' }, 'booking.emailHint'),
      ...field('phone', this.k('booking.phone'), { type: 'tel', autocomplete: this.asMediator ? 'off' : 'tel' }, 'booking.phoneHint'),
      el('fieldset', {}, el('legend', {}, t('booking.needs')), ...needs),
      el('label', { for: 'note' }, t('booking.note')), el('textarea', { id: 'note', rows: '2', maxlength: '1000' }),
      error,
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('booking.confirm'))));
    // What was typed before a reload, a Back or a Forward, and kept as it is typed.
    ['name', 'email', 'phone', 'note'].forEach((id) => { form.querySelector(`#${id}`).value = this.contact[id] || ''; });
    form.querySelectorAll('input[name=needs]').forEach((c) => { c.checked = (this.contact.needs || []).includes(c.value); });
    form.addEventListener('input', () => {
      this.contact = Object.fromEntries(['name', 'email', 'phone', 'note'].map((id) => [id, form.querySelector(`#${id}`).value]));
      this.contact.needs = [...form.querySelectorAll('input[name=needs]:checked')].map((c) => c.value);
      this.save();
    });
    const errors = new FieldErrors(form, error, { 'citizen.name': ['name', 'booking.nameRefused'],
      'citizen.email': ['email', 'booking.emailRefused'], 'citizen.phone': ['phone', 'booking.phoneRefused'],
      citizen: ['email', 'booking.contactMissing'], note: ['note', 'booking.noteRefused'] });
    const submit = form.querySelector('button[type=submit]');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileSending(submit, () => this.book(form, errors));
    });
    this.screen(this.k('booking.who'), 4, form);
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
    // Beside a mediator she may have neither: she leaves with the printed convocation, and he holds the appointment.
    if (!email && !phone && !this.asMediator) {
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
    const send = (sent) => request('/api/visio/appointments', { method: 'POST', body: sent, anonymous: !this.asMediator,
      headers: { 'Idempotency-Key': this.idempotencyKey } });
    const sentAs = JSON.stringify(body);
    try {
      let booked = null;
      if (this.unanswered && this.unanswered.key === this.idempotencyKey && this.unanswered.body !== sentAs) {
        // Her last send got no answer and may have booked; she changed an answer since (a typo, another slot). With
        // the same key, the server refused the new answers in schema English, again at every try, even after a
        // reload: the send is asked again as it was first, which answers the booking if it was made.
        try {
          booked = await send(JSON.parse(this.unanswered.body));
        } catch (e) {
          if (notJudged(e)) {
            throw e;
          }
          // Judged and refused as it was: nothing was booked with that key. The new answers go with a new one.
          this.unanswered = null;
          this.idempotencyKey = newIdempotencyKey();
          this.save();
        }
      }
      booked = booked || await send(body);
      this.idempotencyKey = newIdempotencyKey();
      this.unanswered = null;
      this.showConfirmation(booked);
      this.finished();
      this.onBooked?.(booked);
    } catch (e) {
      if (notJudged(e) && !this.unanswered) {
        // Perhaps booked without her knowing: what was sent is kept with its key (across a reload too).
        this.unanswered = { key: this.idempotencyKey, body: sentAs };
        this.save();
      }
      // The form stays as it was typed: a retry sends the same answers with the same key.
      errors.fromRequest(e);
      if (e.kind === 'booking-made') {
        this.madeAlready(form, errors);
      } else if (e.status === 409 && !form.querySelector('#other-slot')) {
        // The slot taken meanwhile: the way forward beside the message, after "Confirmer" (which stays where it is),
        // not only "Retour" at the top of the step.
        form.querySelector('.actions').append(el('button', { type: 'button', class: 'secondary', id: 'other-slot',
          onclick: () => this.go(3) }, t('booking.otherSlot')));
      }
    }
  }

  /**
   * Her first send booked it (this key made a booking already), its answer lost: said so, with where to find it, and
   * neither "Confirmer" nor "Choisir un autre créneau" is offered (each would book a second appointment, or fail again).
   */
  madeAlready(form, errors) {
    form.querySelector('#other-slot')?.remove();
    form.querySelector('button[type=submit]').hidden = true;
    errors.summary.replaceChildren(t(this.k('booking.madeAlready')), ' ', this.asMediator ? ''
      : el('a', { href: '/rendez-vous.html?gerer#retrouver' }, t('home.lostLink')));
    this.idempotencyKey = newIdempotencyKey();
    this.unanswered = null;
    this.finished();
  }

  /**
   * The last confirmation of this tab, kept for a reload or a Back (she booked with a landline: nothing but this page
   * gives her the link). It holds her manage token, a secret: kept in this tab's sessionStorage only (never localStorage,
   * which other tabs and later visitors of a shared computer read), on the citizen's page only (a mediator's tab serves
   * many people), forgotten when she starts another booking or the page is opened afresh, and after
   * {@link CONFIRMED_FOR} (a reload that brings it back comes within minutes; the next person at a public computer
   * pressing Back later sees the first step).
   */
  keptConfirmation() {
    if (!this.history) {
      return null;
    }
    try {
      const kept = JSON.parse(sessionStorage.getItem(CONFIRMED) || 'null');
      if (kept?.booked?.manageToken && Date.now() - (kept.keptAt || 0) < CONFIRMED_FOR) {
        return kept;
      }
      this.forgetConfirmation();
      return null;
    } catch (e) {
      return null;
    }
  }

  keepConfirmation(booked, serviceId) {
    if (this.history) {
      try {
        sessionStorage.setItem(CONFIRMED, JSON.stringify({ booked, serviceId, keptAt: Date.now() }));
      } catch (e) {
        // Storage refused (a private window's quota): the confirmation lives as long as the page.
      }
    }
  }

  forgetConfirmation() {
    try {
      sessionStorage.removeItem(CONFIRMED);
    } catch (e) {
      // Nothing kept.
    }
  }

  /** "Nouveau rendez-vous": the last confirmation forgotten, the first step. */
  startAnew() {
    this.forgetConfirmation();
    this.go(1);
  }

  /** Booked: the draft is dropped, and the next booking starts afresh. */
  finished() {
    sessionStorage.removeItem(this.draftKey);
    this.choice = {};
    this.contact = {};
    if (this.history) {
      history.replaceState({ bookingStep: 1 }, '', stepUrl(1));
    }
  }

  /**
   * The confirmation is also the convocation: printed (the print sheet shows it alone), it gives
   * the service, the day and time, the place, the reference, what to bring and how to join.
   */
  showConfirmation(booked, serviceId = this.choice.service?.id) {
    const link = manageLink(booked);
    const service = this.services?.find((s) => s.id === serviceId) || this.choice.service;
    this.keepConfirmation(booked, serviceId);
    this.screen(this.k('booking.confirmed'), null,
      convocationSheet(booked, { service, fromHome: t(this.k('booking.fromHome')), heading: this.level(1) }),
      // For the mediator, outside the convocation (which is printed and handed to her): nothing will reach her.
      this.asMediator && !booked.citizen?.email && !booked.citizen?.phone
        ? el('p', { class: 'notice', id: 'no-contact' }, t('booking.noContactOther')) : null,
      el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('booking.print')),
        el('button', { type: 'button', class: 'secondary',
          onclick: (event) => downloadCalendar(booked.id, booked.manageToken, event.currentTarget) },
          t(this.k('booking.addToCalendar'))),
        // The mediator hands the link over: it opens in a new tab, never in place of his own page.
        el('a', { class: 'button secondary', href: link, id: 'manage-link', target: this.asMediator ? '_blank' : null,
          rel: this.asMediator ? 'noopener' : null }, t(this.k('booking.manageLink'))),
        el('button', { type: 'button', class: 'secondary', id: 'new-booking', onclick: () => this.startAnew() },
          t('booking.newBooking'))));
    announce(t('booking.confirmedFor', { ref: booked.reference }));
  }
}

/** Where the citizen's page keeps the last confirmation of its tab ({@link BookingWizard#keptConfirmation}). */
const CONFIRMED = 'cantou.booking.confirmed';
/** How long the tab keeps it (ms). */
const CONFIRMED_FOR = 30 * 60 * 1000;

/**
 * This page reloaded (by her, or by a phone that had discarded its tab) or come back to with Back/Forward: not opened
 * afresh by a link or a typed address.
 */
function cameBackToThisPage() {
  const type = performance.getEntriesByType?.('navigation')?.[0]?.type;
  return type === 'reload' || type === 'back_forward' || document.wasDiscarded === true;
}

/** Her manage page's link (the long one, for a click; paper gives the short link). */
function manageLink(booked) {
  return `${location.origin}/rendez-vous.html?gerer#${booked.manageToken}`;
}

/**
 * The convocation she leaves with, printed (the print sheet shows it alone): the service, the day and time, the place,
 * the reference (and its QR code at a point), what to bring, how to join and the link to type. `booked` is a booking's
 * answer (its links included); `service` the service's (for its documents); `fromHome` the words of an appointment held
 * from home ("Depuis chez vous", "Depuis chez elle"); `heading` its sub-headings' tag; `ids`: false for a second sheet
 * on a page that may hold the first (the mediator's reprint); `who`: the person's name, printed with it.
 */
export function convocationSheet(booked, { service, fromHome, heading = 'h2', ids = true, who = null }) {
  const id = (name) => (ids ? name : null);
  const row = (label, ...value) => [el('dt', {}, label), el('dd', {}, ...value)];
  const documents = service?.documents || [];
  return el('div', { class: 'convocation', id: id('convocation') },
    el('p', { class: 'print-only' }, t('booking.convocation')),
    // Whose it is, printed too: a mediator prints several, and hands each to its person.
    who ? el('p', {}, el('strong', {}, who)) : null,
    el('dl', {},
      ...row(t('manage.service'), `${booked.serviceName || service.name} — ${booked.administration || service.administration}`),
      ...row(t('manage.when'), formatWhen(booked.start, booked.timeZone || service.timeZone)),
      ...row(t('manage.where'), booked.pointName ? `${booked.pointName}, ${booked.pointCommune}` : fromHome),
      ...row(t('booking.referenceLabel'), el('strong', { id: id('reference') }, booked.reference))),
    // Her code for the point's screen: at a point only (a screen checks in only its own point's appointments).
    booked.pointName ? appointmentQr(booked.id, booked.manageToken, booked.reference) : null,
    documents.length ? el('div', {}, el(heading, {}, t('booking.toBring')),
      el('ul', {}, ...documents.map((d) => el('li', {}, d)))) : null,
    el(heading, {}, t('booking.howToJoin')),
    el('p', {}, t(booked.pointName ? 'booking.joinAtPoint' : 'booking.joinFromHome', { minutes: minutesBefore(booked) })),
    // The short link (as in SMS) where there is one: typed from the printed convocation, 130 characters were too many.
    el('p', { class: 'link' }, el('code', { id: id('convocation-link') },
      booked.shortLink ? `${location.origin}${booked.shortLink}` : manageLink(booked))),
    el('p', { class: 'hint', id: id('keep-link') }, t(booked.citizen?.email ? 'booking.keepLink'
      // A landline gets no SMS (only mobiles do, PhoneNumbers.textable): nothing promised that never comes.
      : booked.citizen?.phone && isMobile(booked.citizen.phone) ? 'booking.keepLinkSms' : 'booking.keepLinkNoEmail')));
}

/**
 * A request that failed: in plain words (a lost connection: "Connexion perdue…"), with "Réessayer". A page she only
 * reads (her appointment, her place in the waiting list) passes `common.connectionLost`: "Vos réponses sont gardées"
 * spoke of answers she never gave.
 */
export function failure(error, retry, offlineKey = 'form.connectionLost') {
  return el('div', { class: 'alert', role: 'alert', id: 'load-failed' },
    el('p', {}, plainMessage(error, offlineKey)),
    el('button', { type: 'button', id: 'retry', onclick: retry }, t('common.retry')));
}

/** The services and points the page as served carries (`#booking-data`, written by the server), or null. */
function servedCatalogue() {
  try {
    const data = JSON.parse(document.getElementById('booking-data')?.textContent || 'null');
    return Array.isArray(data?.services) && Array.isArray(data?.points) ? data : null;
  } catch (e) {
    return null;
  }
}

function stepUrl(step) {
  // ?gerer (an appointment's page, a lost link) is kept: a reload must not get the booking's served first step.
  const query = new URLSearchParams(location.search).has('gerer') ? ['gerer'] : [];
  if (step > 1) {
    query.push(`etape=${step}`);
  }
  return `${location.pathname}${query.length ? `?${query.join('&')}` : ''}${location.hash}`;
}

/** The calendar file needs the manage token in a header, so it is fetched then saved (see {@link downloadWithLink}). */
export function downloadCalendar(id, manageToken, button = null) {
  return downloadWithLink(`/api/visio/appointments/${id}/calendar.ics`, manageToken, 'rendez-vous.ics', 'calendar', button);
}

/**
 * A file answered only with a link's secret in a header (X-Manage-Token), fetched then saved as `filename`. Lost on
 * the way, it is said next to `button` ("Connexion perdue. Réessayez dans un instant.", with "Réessayer": ids `<name>-failed` and
 * `<name>-retry`), never silently.
 */
export async function downloadWithLink(path, manageToken, filename, name, button = null) {
  let response;
  try {
    response = await withinDeadline(ANSWER_DEADLINE_MS, (signal) => fetch(path, { headers: { 'X-Manage-Token': manageToken }, signal }));
    if (!response.ok) {
      throw Object.assign(new Error(t('common.error')), { status: response.status });
    }
  } catch (e) {
    const place = button?.closest('.actions') || button;
    place?.parentElement?.querySelector(`:scope > #${name}-failed`)?.remove();
    const box = failure(e?.status || e?.timedOut ? e : { status: 0 }, () => {
      box.remove();
      downloadWithLink(path, manageToken, filename, name, button);
    }, 'common.connectionLost');
    box.id = `${name}-failed`;
    box.querySelector('button')?.setAttribute('id', `${name}-retry`);
    place?.after(box);
    box.querySelector('button')?.focus();
    return;
  }
  // Back: the sentence of a failed try goes.
  button?.closest('.actions')?.parentElement?.querySelector(`:scope > #${name}-failed`)?.remove();
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** How many minutes before its start an appointment's room opens (the deployment's visio.joinOpensMinutesBefore). */
export function minutesBefore(appointment) {
  return Math.round((new Date(appointment.start).getTime() - new Date(appointment.joinOpensAt).getTime()) / 60000);
}

/** The day {@code n} days after {@code day} (YYYY-MM-DD), counted in days of the calendar, whatever the clock's changes. */
function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
