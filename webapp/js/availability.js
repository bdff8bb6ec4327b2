import { request } from './api.js';
import { formatDateTime, t } from './i18n.js';
import { announce, el, showError } from './ui.js';

/**
 * The weekly calendar of one agent: the services it serves, up to two ranges a day, the
 * buffer, the minimum notice and the horizon. Used by the agent itself and by the admin.
 */
export async function availabilityEditor(root, agentId, services) {
  const current = await request(`/api/visio/agents/${agentId}/availability`);
  const rangesOf = (day) => current.weekly.filter((w) => w.weekday === day);
  const time = (id, value, label) => el('input', { id, type: 'time', value: value ? value.slice(0, 5) : '',
    'aria-label': label });
  const rows = [1, 2, 3, 4, 5, 6, 7].map((day) => {
    const [first, second] = rangesOf(day);
    const name = t(`weekday.${day}`);
    return el('tr', {}, el('th', { scope: 'row' }, name),
      el('td', {}, time(`d${day}s1`, first?.start, `${name} ${t('agent.morningFrom')}`), ' – ',
        time(`d${day}e1`, first?.end, `${name} ${t('agent.morningTo')}`)),
      el('td', {}, time(`d${day}s2`, second?.start, `${name} ${t('agent.afternoonFrom')}`), ' – ',
        time(`d${day}e2`, second?.end, `${name} ${t('agent.afternoonTo')}`)));
  });
  const number = (id, key, value, max) => [el('label', { for: id }, t(key)),
    el('input', { id, type: 'number', min: '0', max: String(max), value: String(value), inputmode: 'numeric' })];
  const serviceBoxes = services.map((s) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'service', value: s.id, checked: current.serviceIds.includes(s.id) }),
    el('span', {}, s.name)));
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const form = el('form', { novalidate: true },
    el('fieldset', {}, el('legend', {}, t('agent.services')), ...serviceBoxes),
    el('table', {}, el('caption', {}, t('agent.week')),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('agent.weekday')), el('th', { scope: 'col' }, t('agent.morning')),
        el('th', { scope: 'col' }, t('agent.afternoon')))),
      el('tbody', {}, ...rows)),
    ...number('buffer', 'agent.buffer', current.bufferMinutes, 120),
    ...number('notice', 'agent.notice', current.minNoticeMinutes, 20160),
    ...number('horizon', 'agent.horizon', current.horizonDays, 365),
    error,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('agent.save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const weekly = [];
    for (let day = 1; day <= 7; day += 1) {
      for (const part of [1, 2]) {
        const start = form.querySelector(`#d${day}s${part}`).value;
        const end = form.querySelector(`#d${day}e${part}`).value;
        if (start && end) {
          weekly.push({ weekday: day, start, end });
        }
      }
    }
    try {
      await request(`/api/visio/agents/${agentId}/availability`, { method: 'PUT', body: {
        serviceIds: [...form.querySelectorAll('input[name=service]:checked')].map((c) => c.value), weekly,
        bufferMinutes: Number(form.querySelector('#buffer').value), minNoticeMinutes: Number(form.querySelector('#notice').value),
        horizonDays: Number(form.querySelector('#horizon').value) } });
      announce(t('agent.saved'));
    } catch (e) {
      showError(error, e);
    }
  });
  const leaveError = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const remove = async (x) => {
    try {
      await request(`/api/visio/agents/${agentId}/exceptions/${x.id}`, { method: 'DELETE' });
      await availabilityEditor(root, agentId, services);
      // The button pressed is gone: keep the keyboard where the list was.
      root.querySelector('#leave-heading')?.focus();
      announce(t('agent.leaveRemoved'));
    } catch (e) {
      showError(leaveError, e);
    }
  };
  const leave = current.exceptions.length ? el('div', {}, el('h3', { id: 'leave-heading', tabindex: '-1' }, t('agent.leave')), leaveError,
    el('ul', {}, ...current.exceptions.map((x) => el('li', {}, `${formatDateTime(x.start)} → ${formatDateTime(x.end)}`,
      x.reason ? ` (${x.reason})` : '', ' ',
      el('button', { type: 'button', class: 'secondary', onclick: () => remove(x),
        'aria-label': t('agent.removeLeaveLabel', { from: formatDateTime(x.start), to: formatDateTime(x.end) }) },
      t('agent.removeLeave')))))) : null;
  root.replaceChildren(form, ...(leave ? [leave] : []));
}
