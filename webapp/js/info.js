import { setUpPage, siteConfig } from './ui.js';

// The accessibility statement, the legal notice and the personal data page: text only, and the
// retention periods of this deployment in place of the defaults the HTML carries.
setUpPage().then(async () => {
  const settings = await siteConfig();
  document.querySelectorAll('[data-days]').forEach((el) => {
    const days = settings?.[el.dataset.days];
    if (Number.isInteger(days)) {
      el.textContent = String(days);
    }
  });
});
