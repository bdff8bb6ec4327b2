import { fetchWithToken, request, sendingKeys } from './api.js';
import { currentLanguage, currentZone, dayOf, formatDay, formatNumber, formatWhen, plural, t } from './i18n.js';
import { availabilityEditor } from './availability.js';
import { plainMessage } from './form-errors.js';
import { formStep } from './form-step.js';
import { mountScreens } from './screens.js';
import { askThenSend, el, requireRole, setUpPage, showError, showOutcome, whileSending } from './ui.js';
import { weekHours } from './week-hours.js';

/**
 * Sent again as it was (its answer lost on a weak link), a creation goes with its key and is answered with what the first
 * made (201), never "existe déjà": one Idempotency-Key per thing she means to create, kept across her retries of it.
 */
const [organisationKeys, userKeys, specialtyKeys, serviceKeys, pointKeys] = [0, 1, 2, 3, 4].map(() => sendingKeys());

async function created(keys, path, body) {
  const key = keys.of(body);
  const answer = await request(path, { method: 'POST', body, headers: { 'Idempotency-Key': key } });
  keys.answered(key);
  return answer;
}

await setUpPage();
await requireRole('admin');
const error = document.getElementById('admin-error');
const KINDS = ['ehpad', 'maison_sante', 'hopital', 'administration', 'france_services', 'tiers_lieu'];
const ROLES = ['nurse', 'doctor', 'agent', 'mediator', 'admin'];
let organisations = [];

const fail = (e) => showError(error, e);

/** What the last action did, seen under the menu (not only heard), and focused. */
function done(message) {
  showOutcome(document.getElementById('admin-outcome'), message);
}

/** One concern at a time, chosen from the menu: #stats, #organisations, #users, #specialties, #visio, #calendars, #audit. */
function showView({ focus = true } = {}) {
  const views = [...document.querySelectorAll('section.view')];
  const wanted = views.find((v) => `#${v.id}` === location.hash) || views[0];
  views.forEach((v) => { v.hidden = v !== wanted; });
  document.querySelectorAll('.admin-menu a').forEach((a) => {
    if (a.getAttribute('href') === `#${wanted.id}`) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  document.getElementById('admin-outcome').hidden = true;
  if (focus) {
    wanted.querySelector('h2')?.focus();
  }
}
window.addEventListener('hashchange', () => showView());
showView({ focus: false });

/** A day in the département's time zone (the deployment's, from /api/config), as the API wants it (YYYY-MM-DD). */
const departementDay = (d) => dayOf(d);
/** "2 novembre 2026": a date written the French way. */
const longDate = (isoDay) => new Intl.DateTimeFormat(currentLanguage() === 'fr' ? 'fr-FR' : 'en-GB',
  { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${isoDay}T00:00:00Z`));

function table(caption, headers, rows) {
  // A header given as { hidden: text } is read by screen readers only (a column of buttons): never an empty header.
  return el('table', {}, el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' },
      h?.hidden ? el('span', { class: 'sr-only' }, h.hidden) : h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))));
}

/** A bar chart drawn with plain elements, and the same figures as a table for screen readers. */
function chart(caption, rows, valueLabel, itemLabel = t('admin.statItem')) {
  // Nothing in the period: a sentence, not an empty table.
  if (rows.length === 0) {
    return el('figure', {}, el('figcaption', {}, el('strong', {}, caption)), el('p', { class: 'notice' }, t('admin.noFigures')));
  }
  const max = Math.max(1, ...rows.map((r) => r.value));
  return el('figure', {},
    el('figcaption', {}, el('strong', {}, caption)),
    el('div', { 'aria-hidden': 'true' }, ...rows.map((r) => el('div', { class: 'grid' },
      el('span', {}, r.label),
      el('span', {}, el('progress', { max: String(max), value: String(r.value) }), ` ${formatNumber(r.value)}`)))),
    table(caption, [itemLabel, valueLabel], rows.map((r) => [r.label, formatNumber(r.value)])));
}

/** Minutes written the page's way, a comma for decimals in French ("2,5"); "–" when there are none. */
const minutes = (value) => (value === null || value === undefined ? '–' : formatNumber(value, { maximumFractionDigits: 1 }));

async function loadStats() {
  const box = document.getElementById('stats-body');
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 86400000);
  const range = `from=${departementDay(from)}&to=${departementDay(to)}`;
  try {
    const s = await request(`/api/stats/overview?${range}`);
    const csv = el('button', {
      id: 'stats-export',
      type: 'button',
      class: 'secondary',
      onclick: (event) => whileSending(event.currentTarget, () => download(`/api/stats/export.csv?${range}`, 'cantou-statistiques.csv'))
        .then(() => done(t('admin.statsExported')))
        .catch((e) => showOutcome(document.getElementById('admin-outcome'), plainMessage(e), true)),
    }, t('admin.exportCsv'));
    box.replaceChildren(
      el('p', {}, t('admin.period', { from: longDate(departementDay(from)), to: longDate(departementDay(to)) })),
      // No request taken in the period: a sentence, not "médiane – min".
      el('p', {}, s.teleconsultations.medianWaitMinutes == null ? t('admin.noWaits')
        : t('admin.waits', { median: minutes(s.teleconsultations.medianWaitMinutes),
          p90: minutes(s.teleconsultations.p90WaitMinutes) })),
      chart(t('admin.byOrganisation'), s.teleconsultations.byOrganisation.map((r) => ({ label: r.name, value: r.count })), t('admin.count')),
      chart(t('admin.bySpecialty'), s.teleconsultations.bySpecialty.map((r) => ({ label: r.specialty, value: r.count })), t('admin.count')),
      chart(t('admin.byKind'), (s.teleconsultations.byKind || []).map((r) => ({ label: t(`kind.${r.kind}`), value: r.count })), t('admin.count')),
      ...(s.teleconsultations.byKind || []).filter((r) => r.medianWaitMinutes != null).map((r) => el('p', {}, t('admin.kindWait', { kind: t(`kind.${r.kind}`),
        median: minutes(r.medianWaitMinutes) }))),
      ...(s.teleconsultations.byKind || []).filter((r) => r.kind === 'opinion')
        .map((r) => el('p', {}, t('admin.turnedIntoCall', { count: r.turnedIntoCall }))),
      chart(t('admin.bookings'), s.visio.bookings.map((r) => ({ label: formatDay(r.date), value: r.count })), t('admin.count')),
      el('p', {}, t('admin.visioOutcome', { completed: s.visio.completed, noShows: s.visio.noShows })),
      csv);
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, plainMessage(e)));
  }
}

/** Saves what `path` answers as a file; a refusal fails with the server's sentence, never as a file of JSON. */
async function download(path, filename) {
  const response = await fetchWithToken(path);
  const url = URL.createObjectURL(await response.blob());
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function loadOrganisations() {
  organisations = await request('/api/organisations');
  document.getElementById('org-list').replaceChildren(table(t('admin.organisations'),
    [t('admin.name'), t('admin.kind'), t('admin.commune')],
    organisations.map((o) => [o.name, t(`kind.${o.kind}`), o.commune])));
  const select = document.getElementById('user-org');
  select.replaceChildren(el('option', { value: '' }, t('admin.noOrganisation')),
    ...organisations.map((o) => el('option', { value: o.id }, `${o.name} (${o.commune})`)));
  refreshAdministrations();
}

/**
 * The service form's administrations, after one was created: in place, what was typed in the form stays (on a new
 * install the list was empty until a reload, and the server's refusal said to choose in an empty list).
 */
function refreshAdministrations() {
  const select = document.getElementById('sv-org');
  if (!select || select.disabled) {
    return;
  }
  const chosen = select.value;
  select.replaceChildren(...administrationOptions());
  if (chosen && [...select.options].some((o) => o.value === chosen)) {
    select.value = chosen;
  }
}

/** The administrations, as the service form offers them. */
function administrationOptions() {
  return organisations.filter((o) => o.kind === 'administration').map((o) => el('option', { value: o.id }, o.name));
}

/** Active agents, as the calendars' list offers them. */
const agentOptions = (agents) => agents.map((a) => el('option', { value: a.id }, a.displayName));

/** The calendars' agents after a user was created (set by loadVisio): a new agent is there without a reload. */
let refreshAgents = () => {};

async function loadUsers() {
  const users = await request('/api/users');
  auditPeople(users);
  refreshAgents(users);
  const names = Object.fromEntries(organisations.map((o) => [o.id, o.name]));
  document.getElementById('user-list').replaceChildren(table(t('admin.users'),
    [t('admin.displayName'), t('admin.email'), t('admin.role'), t('admin.organisation'), { hidden: t('admin.actions') }],
    users.map((u) => [u.displayName, u.email, t(`role.${u.role}`), names[u.organisationId] || '',
      u.active ? el('span', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', onclick: (event) => sendPasswordLink(event.currentTarget, u) },
          t('admin.passwordLink'), el('span', { class: 'sr-only' }, ` ${u.displayName}`)),
        el('button', { type: 'button', class: 'secondary', onclick: (event) => askToDeactivate(event.currentTarget, u) },
          t('admin.deactivate'), el('span', { class: 'sr-only' }, ` ${u.displayName}`))) : t('admin.inactive')])));
}

/**
 * "Envoyer un lien de mot de passe": the owner gets a link by mail to choose her password herself (72 hours); the
 * admin never sees it, nor the password.
 */
async function sendPasswordLink(button, user) {
  try {
    await whileSending(button, () => request(`/api/users/${user.id}/password-link`, { method: 'POST' }));
    done(t('admin.passwordLinkSent', { name: user.displayName, email: user.email }));
  } catch (e) {
    fail(e);
  }
}

// The audit trail: who read or changed what, when, from where; filtered, a page at a time, exported.

/** "2 décembre 2026 à 07:55:03": a moment written the French way, in the département's time zone. */
const auditTime = (iso) => new Intl.DateTimeFormat(currentLanguage() === 'fr' ? 'fr-FR' : 'en-GB',
  { dateStyle: 'long', timeStyle: 'medium', timeZone: currentZone() }).format(new Date(iso));

/** A label from the dictionary, or the code itself when the dictionary has none. */
const labelOr = (key, code) => (t(key) === key ? code : t(key));

function auditPeople(users) {
  const select = document.getElementById('audit-user');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '' }, t('admin.auditEveryone')),
    ...users.map((u) => el('option', { value: u.id }, `${u.displayName} (${t(`role.${u.role}`)})`)));
  select.value = chosen;
}

let auditNext = null;
/** The filters of the lines shown: older lines follow them, even if the form was changed since. */
let auditShown = '';
/** Only the answer to the latest request is shown: an older one arriving late is dropped. */
let auditAsked = 0;

function auditQuery() {
  const params = new URLSearchParams();
  const add = (name, id) => {
    const v = document.getElementById(id).value.trim();
    if (v) {
      params.set(name, v);
    }
  };
  add('userId', 'audit-user');
  add('kind', 'audit-kind');
  add('itemId', 'audit-item');
  add('reference', 'audit-reference');
  add('from', 'audit-from');
  add('to', 'audit-to');
  return params;
}

/** What the line's free text is: an RGPD request's reason, a block's counter, the filters of a reading of the trail. */
function auditDetail(e) {
  if (!e.reason) {
    return '';
  }
  if (e.category === 'sign_in') {
    return ` — ${labelOr(`auditDetail.${e.reason}`, e.reason)}`;
  }
  return ` — ${t(e.category === 'audit' ? 'admin.auditFilters' : 'admin.auditReason', { reason: e.reason })}`;
}

function auditRow(e) {
  const who = e.actor === 'citizen' ? t('admin.auditCitizen')
    : e.actor === 'anonymous' ? t('admin.auditAnonymous')
      : e.actor === 'screen' ? t('admin.auditScreen', { label: e.screenLabel ?? e.screenId })
        : `${e.userName ?? e.userId} (${labelOr(`role.${e.userRole}`, e.userRole ?? '')})`;
  // Staff acting on a screen (naming, revoking it): which screen.
  const screen = e.actor === 'user' && e.screenLabel ? t('admin.auditOnScreen', { label: e.screenLabel }) : '';
  const what = labelOr(`auditAction.${e.action.replace('.', '_')}`, e.action) + screen + auditDetail(e);
  const on = e.itemKind ? `${labelOr(`auditItem.${e.itemKind}`, e.itemKind)} ${e.itemId ?? t('admin.auditNoAccount')}` : '–';
  return el('tr', {}, el('td', {}, el('time', { datetime: e.at }, auditTime(e.at))), el('td', {}, who),
    el('td', {}, what), el('td', { class: 'id' }, on), el('td', {}, e.address ?? '–'));
}

/** An end before the start: said under the form and tied to "Au" (aria-invalid, aria-describedby), or untied. */
function auditDatesWrong() {
  const from = document.getElementById('audit-from').value;
  const to = document.getElementById('audit-to');
  const wrong = Boolean(from && to.value && to.value < from);
  if (wrong) {
    to.setAttribute('aria-invalid', 'true');
    to.setAttribute('aria-describedby', 'audit-error');
  } else {
    to.removeAttribute('aria-invalid');
    to.removeAttribute('aria-describedby');
  }
  return wrong;
}

/** The first page for the filters (more: the next page, added under the lines shown). */
async function loadAudit({ more = false } = {}) {
  const error = document.getElementById('audit-error');
  error.hidden = true;
  if (!more && auditDatesWrong()) {
    showError(error, new Error(t('admin.auditDates')));
    return;
  }
  const asked = ++auditAsked;
  const params = more ? new URLSearchParams(auditShown) : auditQuery();
  const filters = params.toString();
  if (more && auditNext) {
    params.set('cursor', auditNext);
  }
  try {
    const page = await request(`/api/admin/audit?${params}`);
    if (asked !== auditAsked) {
      return;
    }
    const box = document.getElementById('audit-list');
    let body = box.querySelector('tbody');
    if (!more || !body) {
      body = el('tbody');
      box.replaceChildren(page.items.length ? el('table', {}, el('caption', {}, t('admin.audit')),
        el('thead', {}, el('tr', {}, ...['auditWhen', 'auditWho', 'auditWhat', 'auditOn', 'auditAddress']
          .map((k) => el('th', { scope: 'col' }, t(`admin.${k}`))))), body) : '');
    }
    const rows = page.items.map(auditRow);
    body.append(...rows);
    auditNext = page.next;
    auditShown = filters;
    const shown = body.children.length;
    document.getElementById('audit-count').textContent = shown === 0 ? t('admin.auditNone')
      : plural(auditNext ? 'admin.auditCountMore' : 'admin.auditCount', shown);
    document.getElementById('audit-more').hidden = !auditNext;
    if (more && rows.length) {
      // The keyboard goes on from the first line added, not from the top of the table.
      const first = rows[0].firstChild;
      first.tabIndex = -1;
      first.focus();
    }
  } catch (e) {
    showError(error, e);
  }
}

async function exportAudit() {
  const error = document.getElementById('audit-error');
  error.hidden = true;
  if (auditDatesWrong()) {
    showError(error, new Error(t('admin.auditDates')));
    return;
  }
  await download(`/api/admin/audit/export.csv?${auditQuery()}`, 'cantou-journal-des-acces.csv');
  done(t('admin.auditExported'));
}

{
  const to = new Date();
  document.getElementById('audit-from').value = departementDay(new Date(to.getTime() - 30 * 86400000));
  document.getElementById('audit-to').value = departementDay(to);
  document.getElementById('audit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(event.submitter || event.target.querySelector('button[type=submit]'), async () => {
      await loadAudit();
      // Shown: the focus goes to how many lines came (the table follows it), not lost on the body.
      const count = document.getElementById('audit-count');
      if (document.getElementById('audit-error').hidden) {
        count.tabIndex = -1;
        count.focus();
      }
    });
  });
  // Disabled in the page until here: pressed before the script came, the browser would send the form itself (GET).
  document.querySelector('#audit-form button[type=submit]').disabled = false;
  document.getElementById('audit-more').addEventListener('click', (event) => whileSending(event.currentTarget,
    () => loadAudit({ more: true })));
  document.getElementById('audit-export').addEventListener('click', (event) => whileSending(event.currentTarget,
    () => exportAudit().catch((e) => showError(document.getElementById('audit-error'), e))));
}

/**
 * "Désactiver" asks first. For a mediator, the question names what he booked for people with neither phone nor e-mail,
 * still to come: they hear of a change only through him, and nothing is sent to a closed account (said again after).
 */
async function askToDeactivate(button, user) {
  let held = [];
  if (user.role === 'mediator') {
    try {
      held = await whileSending(button, () => request(`/api/visio/bookers/${user.id}/contactless-appointments`), 'admin.checking');
    } catch (e) {
      fail(e);
      return;
    }
  }
  const question = [t('admin.deactivateConfirm', { name: user.displayName }), contactlessHeld(held)].filter(Boolean).join(' ');
  await askThenSend(button, question, () => deactivate(user, held), { yes: t('admin.deactivateYes') });
}

/** "2 rendez-vous à venir ont été pris par ce compte pour des personnes sans téléphone ni e-mail… : CAF-7K3Q9 …". */
function contactlessHeld(held) {
  if (!held?.length) {
    return '';
  }
  const list = held.map((a) => t('admin.contactlessItem', { reference: a.reference, service: a.serviceName,
    administration: a.administration, when: formatWhen(a.start, a.timeZone) })).join(' ; ');
  return plural('admin.contactlessHeld', held.length, { list });
}

async function deactivate(user, held) {
  try {
    await request(`/api/users/${user.id}/deactivate`, { method: 'POST' });
    await loadUsers();
    done([t('admin.deactivated', { name: user.displayName }), contactlessHeld(held)].filter(Boolean).join(' '));
  } catch (e) {
    fail(e);
  }
}

async function loadSpecialties() {
  const specialties = await request('/api/specialties');
  document.getElementById('user-specialties').replaceChildren(...specialties.map((s) => el('option', { value: s.code }, s.label)));
}

/** "Modifier" and "Retirer" for a row, named after it for screen readers; "Retirer" asks first, then waits visibly. */
function rowActions(name, edit, path, question) {
  return el('span', { class: 'actions' },
    el('button', { type: 'button', class: 'secondary', 'aria-label': t('admin.editLabel', { name }), onclick: edit },
      t('admin.edit')),
    el('button', { type: 'button', class: 'secondary', 'aria-label': t('admin.withdrawLabel', { name }),
      onclick: (event) => askThenSend(event.currentTarget, t(question, { name }), () => withdraw(path, name),
        { yes: t(`${question}Yes`) }) },
    t('admin.withdraw')));
}

async function withdraw(path, name) {
  try {
    await request(path, { method: 'POST' });
    await refreshVisio();
    done(t('admin.withdrawn', { name }));
  } catch (e) {
    fail(e);
  }
}

/** A field with its label and, when given, its hint ("Format attendu : …") tied by aria-describedby. */
function field(id, key, attributes = {}, hintKey = null, tag = 'input') {
  const hint = hintKey ? el('p', { class: 'hint', id: `${id}-hint` }, t(hintKey)) : null;
  return [el('label', { for: id }, t(key)), hint,
    el(tag, { id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}), ...attributes })];
}

const lines = (text) => text.split('\n').map((d) => d.trim()).filter(Boolean);

/**
 * The services' and points' tables again, and the calendars' services, after a save or a withdrawal (set by loadVisio):
 * the forms stay as they are, what is typed in the other one with them (a save rebuilt both, and lost it).
 */
let refreshVisio = () => loadVisio();

async function loadVisio() {
  const [firstServices, firstPoints, users] = await Promise.all([request('/api/visio/services'), request('/api/visio/points'),
    request('/api/users')]);
  let services = firstServices;
  let points = firstPoints;
  // One form creates, or edits the row whose "Modifier" was pressed.
  let editedService = null;
  let editedPoint = null;
  const serviceTitle = el('h3', { tabindex: '-1' }, t('admin.newService'));
  const serviceSubmit = el('button', { type: 'submit' }, t('admin.create'));
  const serviceCancel = el('button', { type: 'button', class: 'secondary', hidden: true,
    onclick: () => { endServiceEdit(); serviceTitle.focus(); } }, t('admin.cancelEdit'));
  const serviceForm = el('form', { novalidate: true, id: 'service-form' },
    serviceTitle,
    ...field('sv-org', 'admin.administration', {}, null, 'select'),
    ...field('sv-name', 'admin.name', { required: true, maxlength: '150' }),
    ...field('sv-description', 'admin.description', { rows: '2' }, null, 'textarea'),
    ...field('sv-documents', 'admin.documents', { rows: '3' }, 'admin.documentsHint', 'textarea'),
    ...field('sv-duration', 'admin.duration', { type: 'number', min: '5', max: '240', value: '30', inputmode: 'numeric' },
      'admin.durationHint'),
    ...field('sv-prefix', 'admin.prefix', { required: true, maxlength: '6', autocapitalize: 'characters' }, 'admin.prefixHint'),
    el('p', { id: 'sv-error', class: 'error', role: 'alert', tabindex: '-1', hidden: true }),
    el('div', { class: 'actions' }, serviceSubmit, serviceCancel));
  serviceForm.querySelector('#sv-org').replaceChildren(...administrationOptions());
  const sv = (id) => serviceForm.querySelector(`#${id}`).value.trim();
  const editService = (s) => {
    editedService = s;
    serviceTitle.textContent = t('admin.editService', { name: s.name });
    serviceForm.querySelector('#sv-org').value = s.organisationId;
    serviceForm.querySelector('#sv-org').disabled = true;
    serviceForm.querySelector('#sv-prefix').disabled = true;
    serviceForm.querySelector('#sv-name').value = s.name;
    serviceForm.querySelector('#sv-description').value = s.description || '';
    serviceForm.querySelector('#sv-documents').value = (s.documents || []).join('\n');
    serviceForm.querySelector('#sv-duration').value = String(s.durationMinutes);
    serviceSubmit.textContent = t('admin.save');
    serviceCancel.hidden = false;
    serviceTitle.focus();
  };
  /** Back to a new service: its title, its button, its fields (after a save, or "Annuler la modification"). */
  const endServiceEdit = () => {
    editedService = null;
    serviceForm.reset();
    serviceTitle.textContent = t('admin.newService');
    serviceForm.querySelector('#sv-org').disabled = false;
    serviceForm.querySelector('#sv-prefix').disabled = false;
    serviceSubmit.textContent = t('admin.create');
    serviceCancel.hidden = true;
  };
  // Whether the form sent was an edit: said once the form is back to a new service.
  let serviceSaved = false;
  formStep(serviceForm, {
    summary: serviceForm.querySelector('#sv-error'),
    fields: { organisationId: ['sv-org', 'admin.organisationRefused'], name: ['sv-name', 'admin.serviceNameRefused'],
      description: ['sv-description', 'admin.descriptionRefused'], documents: ['sv-documents', 'admin.documentsRefused'],
      'documents.*': ['sv-documents', 'admin.documentsRefused'], durationMinutes: ['sv-duration', 'admin.durationRefused'],
      referencePrefix: ['sv-prefix', 'admin.prefixRefused'] },
    conflict: 'sv-name',
    check: () => {
      const wrong = {};
      if (!sv('sv-name')) {
        wrong['sv-name'] = t('admin.required');
      }
      const duration = Number(sv('sv-duration'));
      if (!Number.isInteger(duration) || duration < 5 || duration > 240) {
        wrong['sv-duration'] = t('admin.durationRefused');
      }
      if (!editedService && !/^[A-Z]{2,6}$/.test(sv('sv-prefix').toUpperCase())) {
        wrong['sv-prefix'] = t('admin.prefixRefused');
      }
      return wrong;
    },
    send: () => {
      serviceSaved = Boolean(editedService);
      const change = { name: sv('sv-name'), description: sv('sv-description'), documents: lines(sv('sv-documents')),
        durationMinutes: Number(sv('sv-duration')) };
      return editedService ? request(`/api/visio/services/${editedService.id}`, { method: 'PUT', body: change })
        : created(serviceKeys, '/api/visio/services', { ...change, organisationId: sv('sv-org'),
          referencePrefix: sv('sv-prefix').toUpperCase() });
    },
    reload: () => refreshVisio().then(endServiceEdit),
    said: () => t(serviceSaved ? 'admin.saved' : 'admin.created'),
    tell: done,
  });
  const pointTitle = el('h3', { tabindex: '-1' }, t('admin.newPoint'));
  const pointSubmit = el('button', { type: 'submit' }, t('admin.create'));
  const pointCancel = el('button', { type: 'button', class: 'secondary', hidden: true,
    onclick: () => { endPointEdit(); pointTitle.focus(); } }, t('admin.cancelEdit'));
  // A new point opens on weekday mornings until she says otherwise; an edited one shows all its hours.
  const weekdayMornings = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '12:00' }));
  const pointHoursBox = el('div', {});
  let pointWeek;
  const showPointHours = (hours) => {
    pointWeek = weekHours('pt-', hours, { caption: t('admin.pointHours'), describedBy: 'pt-hours-hint' });
    pointHoursBox.replaceChildren(pointWeek.element);
  };
  showPointHours(weekdayMornings);
  const pointForm = el('form', { novalidate: true, id: 'point-form' },
    pointTitle,
    ...field('pt-name', 'admin.name', { required: true, maxlength: '150' }),
    ...field('pt-commune', 'admin.commune', { required: true, maxlength: '100' }),
    ...field('pt-kind', 'admin.kind', {}, null, 'select'),
    ...field('pt-address', 'admin.address', { maxlength: '300' }),
    ...field('pt-phone', 'admin.pointPhone', { type: 'tel', autocomplete: 'off', maxlength: '30' }, 'admin.pointPhoneHint'),
    el('p', { class: 'hint', id: 'pt-hours-hint' }, t('admin.weekdaysHint'), ' ', t('admin.hoursHint')),
    pointHoursBox,
    el('p', { id: 'pt-error', class: 'error', role: 'alert', tabindex: '-1', hidden: true }),
    el('div', { class: 'actions' }, pointSubmit, pointCancel));
  pointForm.querySelector('#pt-kind').replaceChildren(...['mairie', 'france_services', 'tiers_lieu']
    .map((k) => el('option', { value: k }, t(`pointKind.${k}`))));
  const pt = (id) => pointForm.querySelector(`#${id}`).value.trim();
  const editPoint = (p) => {
    editedPoint = p;
    pointTitle.textContent = t('admin.editPoint', { name: p.name });
    pointForm.querySelector('#pt-name').value = p.name;
    pointForm.querySelector('#pt-commune').value = p.commune;
    pointForm.querySelector('#pt-kind').value = p.kind;
    pointForm.querySelector('#pt-address').value = p.address || '';
    pointForm.querySelector('#pt-phone').value = p.phone || '';
    showPointHours(p.hours || []);
    pointSubmit.textContent = t('admin.save');
    pointCancel.hidden = false;
    pointTitle.focus();
  };
  const endPointEdit = () => {
    editedPoint = null;
    pointForm.reset();
    showPointHours(weekdayMornings);
    pointTitle.textContent = t('admin.newPoint');
    pointSubmit.textContent = t('admin.create');
    pointCancel.hidden = true;
  };
  let pointSaved = false;
  // The server names a refused range by its place in what was sent (hours.3.end): said under that day's row.
  const pointFields = { name: ['pt-name', 'admin.serviceNameRefused'], commune: ['pt-commune', 'admin.communeRefused'],
    kind: ['pt-kind', 'admin.kindRefused'], address: ['pt-address', 'admin.addressRefused'],
    phone: ['pt-phone', 'admin.pointPhoneRefused'], hours: ['pt-d1s1', 'admin.hoursMissing'] };
  formStep(pointForm, {
    summary: pointForm.querySelector('#pt-error'),
    fields: pointFields,
    conflict: 'pt-name',
    check: () => {
      const wrong = pointWeek.check(t('admin.hoursRefused'));
      for (const id of ['pt-name', 'pt-commune']) {
        if (!pt(id)) {
          wrong[id] = t('admin.required');
        }
      }
      if (!pointWeek.any() && !pointWeek.kept.length) {
        wrong['pt-d1s1'] = t('admin.hoursMissing');
      }
      return wrong;
    },
    send: () => {
      pointSaved = Boolean(editedPoint);
      const body = { name: pt('pt-name'), commune: pt('pt-commune'), kind: pt('pt-kind'), address: pt('pt-address'),
        phone: pt('pt-phone'), hours: pointWeek.read(pointFields, 'hours', 'admin.hoursRefused') };
      return editedPoint ? request(`/api/visio/points/${editedPoint.id}`, { method: 'PUT', body })
        : created(pointKeys, '/api/visio/points', body);
    },
    reload: () => refreshVisio().then(endPointEdit).then(showScreens),
    said: () => t(pointSaved ? 'admin.saved' : 'admin.created'),
    tell: done,
  });
  let agents = users.filter((u) => u.role === 'agent' && u.active);
  const agentSelect = el('select', { id: 'av-agent' }, ...agentOptions(agents));
  const editor = el('div', {});
  refreshAgents = (now) => {
    const chosen = agentSelect.value;
    agents = now.filter((u) => u.role === 'agent' && u.active);
    agentSelect.replaceChildren(...agentOptions(agents));
    if (agents.some((a) => a.id === chosen)) {
      agentSelect.value = chosen;
    } else if (agents.length) {
      // The calendar shown was of an agent now gone, or none was: the first one's instead.
      showAgent();
    } else {
      editor.replaceChildren();
    }
  };
  const showAgent = () => {
    const agent = agents.find((a) => a.id === agentSelect.value);
    if (agent) {
      availabilityEditor(editor, agent.id, services.filter((s) => s.organisationId === agent.organisationId),
        { forOther: true }).catch(fail);
    }
  };
  agentSelect.addEventListener('change', showAgent);
  const serviceTable = () => table(t('admin.services'),
    [t('admin.name'), t('admin.administration'), t('admin.duration'), t('admin.actions')],
    services.map((s) => [s.name, s.administration, String(s.durationMinutes),
      rowActions(s.name, () => editService(s), `/api/visio/services/${s.id}/withdraw`, 'admin.withdrawServiceConfirm')]));
  const pointTable = () => table(t('admin.points'), [t('admin.name'), t('admin.commune'), t('admin.actions')],
    points.map((p) => [p.name, p.commune,
      rowActions(p.name, () => editPoint(p), `/api/visio/points/${p.id}/withdraw`, 'admin.withdrawPointConfirm')]));
  let servicesShown = serviceTable();
  let pointsShown = pointTable();
  document.getElementById('visio-body').replaceChildren(servicesShown, serviceForm, pointsShown, pointForm);
  refreshVisio = async () => {
    [services, points] = await Promise.all([request('/api/visio/services'), request('/api/visio/points')]);
    const [nowServices, nowPoints] = [serviceTable(), pointTable()];
    servicesShown.replaceWith(nowServices);
    pointsShown.replaceWith(nowPoints);
    [servicesShown, pointsShown] = [nowServices, nowPoints];
    // The agent's calendar lists the services of its administration: a new one is there.
    showAgent();
  };
  document.getElementById('calendars-body').replaceChildren(
    el('label', { for: 'av-agent' }, t('admin.agent')), agentSelect, editor);
  showAgent();
}

document.getElementById('org-kind').replaceChildren(...KINDS.map((k) => el('option', { value: k }, t(`kind.${k}`))));
document.getElementById('user-role').replaceChildren(...ROLES.map((r) => el('option', { value: r }, t(`role.${r}`))));

/** A form of the page (in its HTML), sent the one way (form-step.js); what it did is said under the menu. */
function adminForm(id, summaryId, options) {
  formStep(document.getElementById(id), { summary: document.getElementById(summaryId), said: t('admin.created'), tell: done,
    ...options });
}
const value = (id) => document.getElementById(id).value.trim();
const required = (wrong, id) => {
  if (!value(id)) {
    wrong[id] = t('admin.required');
  }
  return wrong;
};

adminForm('org-form', 'org-error', {
  fields: { name: ['org-name', 'admin.nameRefused'], commune: ['org-commune', 'admin.communeRefused'] },
  conflict: 'org-name',
  check: () => required(required({}, 'org-name'), 'org-commune'),
  send: () => created(organisationKeys, '/api/organisations', { kind: value('org-kind'), name: value('org-name'),
    commune: value('org-commune') }),
  reload: loadOrganisations,
});

/** Whether the account being made has no password typed: its owner is invited by mail to choose hers. */
let invited = false;

adminForm('user-form', 'user-error', {
  fields: { email: ['user-email', 'admin.emailRefused'], password: ['user-password', 'admin.passwordRefused'],
    displayName: ['user-name', 'admin.required'], organisationId: ['user-org', 'admin.userOrganisationRefused'] },
  conflict: 'user-email',
  check: () => {
    const wrong = required(required({}, 'user-name'), 'user-email');
    if (value('user-email') && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value('user-email'))) {
      wrong['user-email'] = t('admin.emailRefused');
    }
    // Left empty, no password: she is invited by mail to choose hers.
    const typed = document.getElementById('user-password').value;
    if (typed && typed.length < 10) {
      wrong['user-password'] = t('admin.passwordRefused');
    }
    return wrong;
  },
  send: () => {
    const body = { displayName: value('user-name'), email: value('user-email'), role: value('user-role') };
    invited = !document.getElementById('user-password').value;
    if (!invited) {
      body.password = document.getElementById('user-password').value;
    }
    if (value('user-org')) {
      body.organisationId = value('user-org');
    }
    const specialties = [...document.getElementById('user-specialties').selectedOptions].map((o) => o.value);
    if (body.role === 'doctor' && specialties.length) {
      body.specialties = specialties;
    }
    return created(userKeys, '/api/users', body);
  },
  said: (user) => (invited ? t('admin.invited', { email: user.email }) : t('admin.created')),
  reload: loadUsers,
});

adminForm('specialty-form', 'sp-error', {
  fields: { code: ['sp-code', 'admin.codeRefused'], label: ['sp-label', 'admin.required'] },
  conflict: 'sp-code',
  check: () => {
    const wrong = required(required({}, 'sp-code'), 'sp-label');
    if (value('sp-code') && !/^[a-z][a-z0-9_]{1,49}$/.test(value('sp-code'))) {
      wrong['sp-code'] = t('admin.codeRefused');
    }
    return wrong;
  },
  send: () => created(specialtyKeys, '/api/specialties', { code: value('sp-code'), label: value('sp-label') }),
  reload: loadSpecialties,
});

/**
 * The screens' section: without a point it says where to create one (it was blank), and it is mounted once the first
 * point exists. Never mounted again after: a pairing code shown there must not go with a point's save.
 */
async function showScreens() {
  const root = document.getElementById('screens-body');
  if (root.dataset.mounted) {
    return;
  }
  if (await mountScreens(root) === false) {
    root.replaceChildren(el('p', { class: 'muted' }, t('admin.screensNoPoint')));
  } else {
    root.dataset.mounted = 'true';
  }
}

await loadOrganisations().catch(fail);
// The trail's first lines, unless the admin asked for hers while the page was still loading (a slow link): the first
// load would replace her filtered lines with those of whatever the form holds by then.
const firstAudit = () => (auditAsked === 0 ? loadAudit() : undefined);
await Promise.all([loadUsers(), loadSpecialties(), loadVisio(), loadStats(), firstAudit(), showScreens()]).catch(fail);
