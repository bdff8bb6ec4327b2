import { currentLanguage, dayOf, formatMoment, instantOf, t } from './i18n.js';
import { el } from './ui.js';

/**
 * Vital signs: the nurse types them (with the request, or later on its card), the doctor reads
 * them as a compact table. The ranges are the server's (VitalSignRanges): checked here first so
 * that a slip (37 typed 73) is said under its field before anything is sent.
 */
const MEASURES = [
  { name: 'systolic', field: 'vitalSigns.bloodPressure.systolic', min: 50, max: 260, whole: true },
  { name: 'diastolic', field: 'vitalSigns.bloodPressure.diastolic', min: 20, max: 160, whole: true },
  { name: 'pulse', field: 'vitalSigns.pulse', min: 20, max: 250, whole: true },
  { name: 'temperature', field: 'vitalSigns.temperature', min: 30, max: 44 },
  { name: 'spo2', field: 'vitalSigns.spo2', min: 50, max: 100, whole: true },
  { name: 'glycaemia', field: 'vitalSigns.glycaemia', min: 0.2, max: 6 },
  { name: 'weight', field: 'vitalSigns.weight', min: 1, max: 350 },
  { name: 'pain', field: 'vitalSigns.pain', min: 0, max: 10, whole: true },
];

/** The server's field → [input id, message key], for FieldErrors (prefix: the inputs' id prefix). */
export function vitalSignsFieldErrors(prefix) {
  const fields = Object.fromEntries(MEASURES.map((m) => [m.field, [`${prefix}${m.name}`, `vitals.${m.name}Refused`]]));
  fields['vitalSigns.bloodPressure'] = [`${prefix}systolic`, 'vitals.pressureHalf'];
  fields['vitalSigns.measuredAt'] = [`${prefix}time`, 'vitals.timeRefused'];
  fields.vitalSigns = [`${prefix}temperature`, 'vitals.none'];
  return fields;
}

/** "38,4" or "38.4" (as typed on a French keyboard or a tablet's): a number, or NaN. */
function number(text) {
  const cleaned = text.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : NaN;
}

/**
 * What the inputs hold: `{ body }` (null when every box is empty) or `{ wrong }` (input id →
 * message) when something cannot be sent. `now` gives the day of a time typed alone.
 */
export function readVitalSigns(root, prefix, { required = false, now = new Date() } = {}) {
  const value = (name) => root.querySelector(`#${prefix}${name}`)?.value ?? '';
  const wrong = {};
  const body = {};
  for (const m of MEASURES) {
    const typed = value(m.name);
    if (!typed.trim()) {
      continue;
    }
    const n = number(typed);
    if (Number.isNaN(n) || (m.whole && !Number.isInteger(n)) || n < m.min || n > m.max) {
      wrong[`${prefix}${m.name}`] = t(`vitals.${m.name}Refused`);
    } else {
      body[m.name] = n;
    }
  }
  const systolic = body.systolic ?? null;
  const diastolic = body.diastolic ?? null;
  delete body.systolic;
  delete body.diastolic;
  const pressureTyped = value('systolic').trim() || value('diastolic').trim();
  if (pressureTyped && !wrong[`${prefix}systolic`] && !wrong[`${prefix}diastolic`]) {
    if (systolic === null || diastolic === null) {
      wrong[`${prefix}${systolic === null ? 'systolic' : 'diastolic'}`] = t('vitals.pressureHalf');
    } else if (diastolic >= systolic) {
      wrong[`${prefix}diastolic`] = t('vitals.pressureOrder');
    } else {
      body.bloodPressure = { systolic, diastolic };
    }
  }
  const time = value('time').trim();
  if (time) {
    // Of today in the département's zone, as the pages write every time (setHours read it in the tablet's zone).
    const today = dayOf(now);
    let at = instantOf(`${today}T${time}`);
    // A time later than now was taken yesterday evening (a night round noted in the morning).
    if (at.getTime() > now.getTime() + 5 * 60_000) {
      const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      at = instantOf(`${yesterday}T${time}`);
    }
    body.measuredAt = at.toISOString();
  }
  if (Object.keys(wrong).length) {
    return { wrong };
  }
  const measured = Object.keys(body).filter((k) => k !== 'measuredAt');
  if (!measured.length) {
    return required ? { wrong: { [`${prefix}temperature`]: t('vitals.none') } } : { body: null };
  }
  return { body };
}

/** The inputs of a set, each labelled with its unit and range (the card's form; the creation's is in the HTML). */
export function vitalSignsInputs(prefix) {
  const measure = (name, attributes) => el('div', { class: 'measure' },
    el('label', { for: `${prefix}${name}` }, t(`vitals.${name}`)),
    el('p', { class: 'hint', id: `${prefix}${name}-hint` }, t(`vitals.${name}Hint`)),
    el('input', { id: `${prefix}${name}`, 'aria-describedby': `${prefix}${name}-hint`, class: 'short', ...attributes }));
  const typed = (decimal) => ({ inputmode: decimal ? 'decimal' : 'numeric', autocomplete: 'off', maxlength: '6' });
  return [
    measure('systolic', typed()), measure('diastolic', typed()), measure('pulse', typed()),
    measure('temperature', typed(true)), measure('spo2', typed()), measure('glycaemia', typed(true)),
    measure('weight', typed(true)), measure('pain', typed()), measure('time', { type: 'time' }),
  ];
}

function decimal(value, digits) {
  return value == null ? '' : new Intl.NumberFormat(currentLanguage() === 'fr' ? 'fr-FR' : 'en-GB',
    { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** The sets as a compact table: one row a set (oldest first), one column a measure, each header with its unit. */
export function vitalSignsTable(sets) {
  if (!sets?.length) {
    return null;
  }
  const columns = [
    ['vitals.colPressure', (s) => (s.bloodPressure ? `${s.bloodPressure.systolic}/${s.bloodPressure.diastolic}` : '')],
    ['vitals.colPulse', (s) => s.pulse ?? ''],
    ['vitals.colTemperature', (s) => decimal(s.temperature, 1)],
    ['vitals.colSpo2', (s) => s.spo2 ?? ''],
    ['vitals.colGlycaemia', (s) => decimal(s.glycaemia, 2)],
    ['vitals.colWeight', (s) => decimal(s.weight, 1)],
    ['vitals.colPain', (s) => (s.pain == null ? '' : `${s.pain}/10`)],
  ].filter(([, cell]) => sets.some((s) => cell(s) !== ''));
  return el('div', { class: 'table-scroll' }, el('table', { class: 'vitals' },
    el('caption', {}, t('vitals.caption')),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('vitals.colTime')),
      ...columns.map(([key]) => el('th', { scope: 'col' }, t(key))))),
    el('tbody', {}, ...sets.map((s) => el('tr', {},
      el('th', { scope: 'row' }, formatMoment(s.measuredAt)),
      ...columns.map(([, cell]) => el('td', {}, String(cell(s)))))))));
}
