import { currentUser, request, sendingKeys } from './api.js';
import { formatMoment, t } from './i18n.js';
import { plainMessage } from './form-errors.js';
import { askThenSend, el, showOutcome, whileSending } from './ui.js';

/**
 * The screens of the points visio-accueil (kiosque.html), for an admin (every point) or a mediator
 * (the points his organisation runs): pair a new screen — its code shown this once, to type on the
 * screen —, see which are paired and when they last asked, and revoke one. Answers false when the
 * person has no point to pair (the page then hides the section).
 */
export async function mountScreens(root) {
  const me = currentUser();
  const points = (await request('/api/visio/points')).filter((p) => me?.role === 'admin'
    || (p.organisationId && p.organisationId === me?.organisationId));
  if (!points.length) {
    return false;
  }
  const select = el('select', { id: 'screen-point' }, ...points.map((p) => el('option', { value: p.id }, `${p.name} — ${p.commune}`)));
  const label = el('input', { id: 'screen-label', maxlength: '80', required: true, 'aria-describedby': 'screen-label-hint' });
  const formError = el('p', { class: 'error', id: 'screen-error', role: 'alert', tabindex: '-1', hidden: true });
  const code = el('div', { id: 'screen-code', class: 'notice', tabindex: '-1', hidden: true });
  const outcome = el('p', { class: 'outcome', id: 'screen-outcome', tabindex: '-1', hidden: true });
  const list = el('div', { id: 'screen-list' });
  // Sent again as it was (its answer lost on a weak link), a screen's creation goes with its key: the same screen is
  // answered, with a new code in place of the one lost, never a second screen beside it.
  const keys = sendingKeys();
  const form = el('form', { novalidate: true, id: 'screen-form' },
    el('label', { for: 'screen-label' }, t('kiosk.screenLabel')),
    el('p', { class: 'hint', id: 'screen-label-hint' }, t('kiosk.screenLabelHint')), label, formError,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('kiosk.pairScreen'))));

  const load = async () => {
    try {
      const screens = await request(`/api/visio/points/${select.value}/kiosks`);
      list.replaceChildren(screens.length ? el('ul', { class: 'screens' }, ...screens.map((s) => el('li', { class: 'card' },
        el('p', {}, el('strong', {}, s.label)),
        el('p', { class: 'muted' }, s.pairedAt
          ? t('kiosk.pairedOn', { when: formatMoment(s.pairedAt), seen: formatMoment(s.lastSeenAt || s.pairedAt) })
          : t('kiosk.codeWaiting', { until: formatMoment(s.codeExpiresAt) })),
        el('div', { class: 'actions' }, el('button', { type: 'button', class: 'secondary',
          'aria-label': t('kiosk.revokeLabel', { name: s.label }),
          onclick: (event) => askThenSend(event.currentTarget, t('kiosk.revokeConfirm', { name: s.label }), async () => {
            try {
              const revoked = await request(`/api/visio/points/${select.value}/kiosks/${s.id}`, { method: 'DELETE' });
              code.hidden = true;
              await load();
              const count = revoked?.contactlessToCome || 0;
              showOutcome(outcome, count ? t('kiosk.revokedContactless', { name: s.label, count }) : t('kiosk.revoked', { name: s.label }));
            } catch (e) {
              showOutcome(outcome, plainMessage(e), true);
            }
          }, { yes: t('kiosk.revokeYes') }) }, t('kiosk.revoke'))))))
        : el('p', { class: 'muted' }, t('kiosk.noScreens')));
    } catch (e) {
      list.replaceChildren(el('p', { class: 'error', role: 'alert' }, plainMessage(e)));
    }
  };
  select.addEventListener('change', () => {
    code.hidden = true;
    load();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    whileSending(form.querySelector('button[type=submit]'), async () => {
      formError.hidden = true;
      if (!label.value.trim()) {
        formError.textContent = t('kiosk.screenLabelMissing');
        formError.hidden = false;
        label.setAttribute('aria-invalid', 'true');
        label.focus();
        return;
      }
      label.removeAttribute('aria-invalid');
      try {
        const body = { label: label.value.trim() };
        const key = keys.of({ point: select.value, ...body });
        const made = await request(`/api/visio/points/${select.value}/kiosks`, { method: 'POST', body,
          headers: { 'Idempotency-Key': key } });
        keys.answered(key);
        label.value = '';
        // Shown this once: the server keeps only its hash.
        code.replaceChildren(el('p', {}, t('kiosk.codeIntro', { name: made.label })),
          el('p', { class: 'pairing-code', id: 'pairing-code' }, made.code),
          el('p', {}, t('kiosk.codeHow', { url: `${location.origin}/kiosque.html`, until: formatMoment(made.expiresAt) })));
        code.hidden = false;
        code.focus();
        await load();
      } catch (e) {
        formError.textContent = plainMessage(e);
        formError.hidden = false;
        formError.focus();
      }
    });
  });
  root.replaceChildren(el('p', {}, t('kiosk.screensIntro')),
    el('label', { for: 'screen-point' }, t('kiosk.screenPoint')), select, form, code, outcome,
    el('h3', {}, t('kiosk.pairedScreens')), list);
  await load();
  return true;
}
