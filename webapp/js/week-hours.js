import { t } from './i18n.js';
import { el } from './ui.js';

/**
 * A week of hours, two ranges a day (a morning and an afternoon), Monday to Sunday: an agent's calendar and a point's
 * opening hours. Its inputs are `${prefix}d{day}s{1|2}` and `…e{1|2}`. A day with more ranges than the table shows
 * (the API takes them) keeps the others as they are: a save never drops what the form could not show.
 */
export function weekHours(prefix, ranges, { caption, describedBy } = {}) {
  const rangesOf = (day) => ranges.filter((w) => w.weekday === day);
  const id = (day, edge, part) => `${prefix}d${day}${edge}${part}`;
  const time = (inputId, value, label) => el('input', { id: inputId, type: 'time', value: value ? value.slice(0, 5) : '',
    'aria-label': label, 'aria-describedby': describedBy || null });
  const rows = [1, 2, 3, 4, 5, 6, 7].map((day) => {
    const [first, second] = rangesOf(day);
    const name = t(`weekday.${day}`);
    return el('tr', {}, el('th', { scope: 'row' }, name),
      el('td', {}, time(id(day, 's', 1), first?.start, `${name} ${t('agent.morningFrom')}`), ' – ',
        time(id(day, 'e', 1), first?.end, `${name} ${t('agent.morningTo')}`)),
      el('td', {}, time(id(day, 's', 2), second?.start, `${name} ${t('agent.afternoonFrom')}`), ' – ',
        time(id(day, 'e', 2), second?.end, `${name} ${t('agent.afternoonTo')}`)));
  });
  const kept = [1, 2, 3, 4, 5, 6, 7].flatMap((day) => rangesOf(day).slice(2));
  // Its time fields do not fit a 320-px screen: the table scrolls sideways in its box, never the whole page.
  const element = el('div', { class: 'table-scroll' }, el('table', { class: 'week' }, el('caption', {}, caption || t('agent.week')),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('agent.weekday')), el('th', { scope: 'col' }, t('agent.morning')),
      el('th', { scope: 'col' }, t('agent.afternoon')))),
    el('tbody', {}, ...rows)));
  const value = (inputId) => element.querySelector(`#${inputId}`).value;
  return {
    element,
    /** The ranges the table cannot show, kept as they are (none from this page). */
    kept,
    /**
     * The ranges typed, then those kept, in the order sent; `fields` (a form step's) learns which input the server's
     * refusal of `${key}.N` points at.
     */
    read(fields, key, refused) {
      const sent = [];
      Object.keys(fields).filter((k) => k.startsWith(`${key}.`)).forEach((k) => delete fields[k]);
      for (let day = 1; day <= 7; day += 1) {
        for (const part of [1, 2]) {
          const startId = id(day, 's', part);
          const endId = id(day, 'e', part);
          if (value(startId) && value(endId)) {
            const n = sent.length;
            fields[`${key}.${n}`] = [startId, refused];
            fields[`${key}.${n}.start`] = [startId, refused];
            fields[`${key}.${n}.*`] = [endId, refused];
            sent.push({ weekday: day, start: value(startId), end: value(endId) });
          }
        }
      }
      fields[`${key}.*`] = [id(1, 's', 1), refused];
      return [...sent, ...kept.map((r) => ({ weekday: r.weekday, start: r.start.slice(0, 5), end: r.end.slice(0, 5) }))];
    },
    /** Both or neither, the end after the start, the afternoon after the morning: by input, the message. */
    check(message) {
      const wrong = {};
      for (let day = 1; day <= 7; day += 1) {
        let previousEnd = '';
        for (const part of [1, 2]) {
          const start = value(id(day, 's', part));
          const end = value(id(day, 'e', part));
          if ((start || end) && (!start || !end || end <= start || (previousEnd && start < previousEnd))) {
            wrong[id(day, 's', part)] = message;
          }
          previousEnd = end || previousEnd;
        }
      }
      return wrong;
    },
    /** Whether any range is typed. */
    any() {
      return [...element.querySelectorAll('input[type=time]')].some((input) => input.value);
    },
  };
}
