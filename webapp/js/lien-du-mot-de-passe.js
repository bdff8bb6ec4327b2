// The token of a password link, from the address's fragment (which no browser sends to a server): moved into this
// tab's sessionStorage and out of the address bar before anything else of the page loads, so it is in no bookmark,
// shared address or screenshot of the bar, nor in this page's entry of the tab's history, even when a module the page
// imports never comes (a rural line dropping it). The browser's record of visited addresses may still hold it: the
// link is single-use and lives an hour (72 for an admin's or an invitation).
// A classic script, same origin, no import, no inline code (the CSP forbids it). The page's module reads it from
// there; a reload, which the loading notice advises, keeps working. Storage refused: the token stays in the address,
// where the module finds it as before.
(function () {
  'use strict';
  if (location.hash.length > 1) {
    try {
      sessionStorage.setItem('cantou.passwordLinkToken', decodeURIComponent(location.hash.slice(1)));
    } catch (e) {
      return;
    }
    history.replaceState(null, '', location.pathname + location.search);
  }
}());
