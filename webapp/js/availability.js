import { request } from './api.js';
import { formatDateTime, t } from './i18n.js';
import { formStep } from './form-step.js';
import { el, showError, showOutcome, whileSending } from './ui.js';
import { weekHours } from './week-hours.js';

/**
 * The weekly calendar of one agent: the services it serves, up to two ranges a day, the
 * buffer, the minimum notice and the horizon. Used by the agent itself and by the admin.
 */
export async function availabilityEditor(root, agentId, services, { forOther = false } = {}) {
  const current = await request(`/api/visio/agents/${agentId}/availability`);
  const week = weekHours('', current.weekly, { caption: t('agent.week') });
  const number = (id, key, value, max) => [el('label', { for: id }, t(key)),
    el('input', { id, type: 'number', min: '0', max: String(max), value: String(value), inputmode: 'numeric' })];
  const serviceBoxes = services.map((s, i) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'service', id: `av-service-${i}`, value: s.id, checked: current.serviceIds.includes(s.id) }),
    el('span', {}, s.name)));
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true, id: 'av-error' });
  const saved = el('p', { class: 'outcome', tabindex: '-1', hidden: true, id: 'av-outcome' });
  const form = el('form', { novalidate: true, id: 'availability-form' },
    el('fieldset', {}, el('legend', {}, t(forOther ? 'agent.servicesOther' : 'agent.services')), ...serviceBoxes),
    week.element,
    ...number('buffer', 'agent.buffer', current.bufferMinutes, 120),
    ...number('notice', 'agent.notice', current.minNoticeMinutes, 20160),
    ...number('horizon', 'agent.horizon', current.horizonDays, 365),
    error,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('agent.save'))));
  const value = (id) => form.querySelector(`#${id}`).value;
  // The server names a refused range by its place in what was sent (weekly.3.end): said under that day's row.
  const fields = { bufferMinutes: ['buffer', 'agent.bufferRefused'], minNoticeMinutes: ['notice', 'agent.noticeRefused'],
    horizonDays: ['horizon', 'agent.horizonRefused'],
    ...(services.length ? { serviceIds: ['av-service-0', 'agent.servicesRefused'] } : {}) };
  const within = (id, min, max) => {
    const n = Number(value(id));
    return value(id) !== '' && Number.isInteger(n) && n >= min && n <= max;
  };
  formStep(form, {
    summary: error,
    fields,
    check: () => {
      const wrong = week.check(t('agent.rangeRefused'));
      if (!within('buffer', 0, 120)) {
        wrong.buffer = t('agent.bufferRefused');
      }
      if (!within('notice', 0, 20160)) {
        wrong.notice = t('agent.noticeRefused');
      }
      if (!within('horizon', 1, 365)) {
        wrong.horizon = t('agent.horizonRefused');
      }
      return wrong;
    },
    send: () => request(`/api/visio/agents/${agentId}/availability`, { method: 'PUT', body: {
      serviceIds: [...form.querySelectorAll('input[name=service]:checked')].map((c) => c.value), weekly: week.read(fields, 'weekly', 'agent.rangeRefused'),
      bufferMinutes: Number(value('buffer')), minNoticeMinutes: Number(value('notice')), horizonDays: Number(value('horizon')) } }),
    reset: false,
    said: t('agent.availabilitySaved'),
    tell: (message) => showOutcome(saved, message),
  });
  const leaveError = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const remove = async (x) => {
    try {
      await request(`/api/visio/agents/${agentId}/exceptions/${x.id}`, { method: 'DELETE' });
      await availabilityEditor(root, agentId, services, { forOther });
      // The button pressed is gone: the keyboard goes to what was done, under the list's heading.
      showOutcome(root.querySelector('#leave-outcome') || root.querySelector('#av-outcome'), t('agent.leaveRemoved'));
    } catch (e) {
      showError(leaveError, e);
    }
  };
  const leave = current.exceptions.length ? el('div', {}, el('h3', { id: 'leave-heading', tabindex: '-1' }, t('agent.leave')), leaveError,
    el('p', { class: 'outcome', id: 'leave-outcome', tabindex: '-1', hidden: true }),
    el('ul', {}, ...current.exceptions.map((x) => el('li', {}, `${formatDateTime(x.start)} → ${formatDateTime(x.end)}`,
      x.reason ? ` (${x.reason})` : '', ' ',
      el('button', { type: 'button', class: 'secondary', onclick: (event) => whileSending(event.currentTarget, () => remove(x)),
        'aria-label': t('agent.removeLeaveLabel', { from: formatDateTime(x.start), to: formatDateTime(x.end) }) },
      t('agent.removeLeave')))))) : null;
  root.replaceChildren(form, saved, ...(leave ? [leave] : []));
}
