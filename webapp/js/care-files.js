import { currentLanguage, formatTime, t } from './i18n.js';
import { fetchWithToken, refusal, request, sendingKeysBy, token } from './api.js';
import { announce, askThenSend, el, markBusy, siteConfig, whileSending } from './ui.js';

/**
 * The photos and documents of a request (issue 16). The files come from the API with the bearer
 * token (never in a URL), each read once into a blob: URL kept for the page's life, so the cards,
 * drawn again at each event, show them at once. Photos are thumbnails (pressed: opened full size
 * in a new tab); a PDF is a link that opens it in a new tab, and another that saves it. A closed
 * request's report (one PDF the server makes, GET …/report.pdf) is saved by a button of its card. On the nurse's page,
 * each file of an open request has a "Retirer" button (a file sent into the wrong resident's request).
 */
const urls = new Map();
/** The reads under way, by file id: a card drawn again meanwhile waits for the same one (one read, one audit line). */
const reading = new Map();
/** The request of each file read: one its card no longer lists (withdrawn, erased) leaves the page's memory. */
const itemOf = new Map();

/** "230 Ko", "1,4 Mo". */
export function sizeText(bytes) {
  const format = (n, digits) => new Intl.NumberFormat(currentLanguage(), { maximumFractionDigits: digits }).format(n);
  return bytes < 1024 * 1024 ? t('files.kilobytes', { n: format(Math.max(1, Math.round(bytes / 1024)), 0) })
    : t('files.megabytes', { n: format(bytes / (1024 * 1024), 1) });
}

/** The limits the server takes (GET /api/config): the largest file, how many a request holds. */
export async function fileLimits() {
  const settings = await siteConfig();
  return { maxBytes: settings?.fileMaxBytes || 10 * 1024 * 1024, perRequest: settings?.filesPerRequest || 10 };
}

function blobUrl(itemId, file) {
  if (urls.has(file.id)) {
    return Promise.resolve(urls.get(file.id));
  }
  if (!reading.has(file.id)) {
    reading.set(file.id, read(itemId, file).finally(() => reading.delete(file.id)));
  }
  return reading.get(file.id);
}


async function read(itemId, file) {
  const response = await fetchWithToken(`/api/teleconsultations/${itemId}/files/${file.id}`);
  const url = URL.createObjectURL(await response.blob());
  urls.set(file.id, url);
  itemOf.set(file.id, itemId);
  return url;
}

/** The bytes of the files this item no longer lists let go: another resident's photo withdrawn is not kept here. */
function forgetGone(item) {
  const listed = new Set((item.files || []).map((f) => f.id));
  for (const [fileId, itemId] of itemOf) {
    if (itemId === item.id && !listed.has(fileId)) {
      URL.revokeObjectURL(urls.get(fileId));
      urls.delete(fileId);
      itemOf.delete(fileId);
    }
  }
}

/** Gives `url` to the browser as a file saved under `name`. */
function save(url, name) {
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

function who(file) {
  return t(`files.by.${file.addedBy}`);
}

/** Why a withdrawal failed, by file id, until she tries again: said under the file whatever redraws the card. */
const withdrawRefused = new Map();

/**
 * The files whose withdrawal is on its way: their "Retirer" drawn anew by a live event meanwhile still waits ("Envoi…",
 * markBusy). Drawn ready, a second press asked again and sent a second withdrawal.
 */
const withdrawing = new Set();

/** "la photo 2 (talon.jpg)", "le document 3 (ECG.pdf)": which file, in a sentence. */
export function fileWords(file) {
  return t(file.mediaType.startsWith('image/') ? 'files.thePhoto' : 'files.theDocument', { n: file.position, name: file.name });
}

/** The item as it is without this file (the page's own copy: events may have changed it since its card was drawn). */
export function withoutFile(item, fileId) {
  return { ...item, files: (item.files || []).filter((f) => f.id !== fileId) };
}

/**
 * The "Retirer" button of a file. Asked first (the bytes are erased for good); once withdrawn, `onWithdrawn(fileId)`
 * has the page draw the card without it.
 */
function withdrawButton(item, file, onWithdrawn) {
  const ref = item.patient?.reference || '';
  const what = fileWords(file);
  const waiting = withdrawing.has(file.id);
  // Its id finds the button again once a live event has drawn the card anew (the question's dialog gives the focus back).
  return [' ', markBusy(el('button', { type: 'button', class: 'secondary file-withdraw', id: `withdraw-${file.id}`,
    'data-withdraw': file.id, 'aria-label': t('files.withdrawNamed', { what, ref }),
    onclick: async (event) => {
      const pressed = event.currentTarget;
      await askThenSend(pressed, t('files.withdrawQuestion', { what, ref }),
        () => withdraw(item, file, onWithdrawn, pressed), { yes: t('files.withdrawYes'), no: t('files.withdrawNo') });
      // Drawn anew by a live event while it went, it left the keyboard nowhere: given back where the file stayed (refused),
      // unless she went elsewhere.
      const back = document.getElementById(`withdraw-${file.id}`) || document.getElementById(`withdraw-error-${file.id}`);
      if (back && !back.hidden && [null, document.body, document.getElementById('main')].includes(document.activeElement)) {
        back.focus();
      }
    } },
  t(waiting ? 'common.sending' : 'files.withdraw')), waiting)];
}

/** Where a refusal to withdraw the file is said: under it, even once its request closed (it has no button then). */
function withdrawRefusal(file) {
  const refused = withdrawRefused.get(file.id);
  return el('p', { class: 'error withdraw-error', id: `withdraw-error-${file.id}`, tabindex: '-1', hidden: !refused }, refused || '');
}

/**
 * Withdraws the file, then the keyboard goes to the next file's button (or the one before), or to the card's "Ajouter"
 * button when it was the last: she is probably about to send the right one. A refusal is said under the file.
 * `pressed`: the button whileSending gives back; one drawn anew meanwhile (still waiting) is given back here.
 */
async function withdraw(item, file, onWithdrawn, pressed) {
  const files = item.files || [];
  const at = files.findIndex((f) => f.id === file.id);
  const neighbour = files[at + 1] || files[at - 1];
  withdrawRefused.delete(file.id);
  withdrawing.add(file.id);
  try {
    await request(`/api/teleconsultations/${item.id}/files/${file.id}`, { method: 'DELETE' });
  } catch (e) {
    // 404: gone already (her first press arrived, its answer lost on the way back).
    if (e.status !== 404) {
      refusedToWithdraw(file, t('files.withdrawFailed', { reason: e.message }));
      return;
    }
  } finally {
    withdrawing.delete(file.id);
    const drawnAnew = document.getElementById(`withdraw-${file.id}`);
    if (drawnAnew && drawnAnew !== pressed) {
      markBusy(drawnAnew, false).textContent = t('files.withdraw');
    }
  }
  onWithdrawn(file.id);
  const card = document.querySelector(`article[data-id="${item.id}"]`);
  (neighbour && card?.querySelector(`[data-withdraw="${neighbour.id}"]`) || card?.querySelector('[data-files="add"]'))?.focus();
  announce(t('files.withdrawn', { what: fileWords(file), ref: item.patient?.reference || '' }));
}

/** Said now (role=alert, in the card as it is now) and kept for the card's next drawings, without being said again. */
function refusedToWithdraw(file, reason) {
  withdrawRefused.set(file.id, reason);
  const line = document.getElementById(`withdraw-error-${file.id}`);
  if (!line) {
    announce(reason);
    return;
  }
  line.textContent = reason;
  line.setAttribute('role', 'alert');
  line.hidden = false;
}

function photo(item, file, onWithdrawn) {
  const alt = t('files.photoAlt', { n: file.position, time: formatTime(file.addedAt), who: who(file) });
  const image = el('img', { class: 'thumb', alt, width: '160', height: '120' });
  const link = el('a', { class: 'thumb-link', target: '_blank', rel: 'noopener', title: t('files.openPhoto') }, image);
  const problem = el('p', { class: 'error', role: 'alert', hidden: true });
  const show = (url) => {
    image.src = url;
    link.href = url;
  };
  if (urls.has(file.id)) {
    show(urls.get(file.id));
  } else {
    blobUrl(item.id, file).then(show).catch((e) => {
      problem.textContent = t('files.loadFailed', { reason: e.message });
      problem.hidden = false;
    });
  }
  return el('li', { class: 'file photo' }, link, onWithdrawn ? withdrawButton(item, file, onWithdrawn) : null,
    withdrawRefusal(file), problem);
}

function documentLink(item, file, onWithdrawn) {
  const label = t('files.pdf', { n: file.position, name: file.name, size: sizeText(file.size) });
  const added = t('files.added', { time: formatTime(file.addedAt), who: who(file) });
  const problem = el('p', { class: 'error', role: 'alert', hidden: true });
  const fetched = (event, then) => {
    event.preventDefault();
    problem.hidden = true;
    blobUrl(item.id, file).then(then).catch((e) => {
      problem.textContent = t('files.loadFailed', { reason: e.message });
      problem.hidden = false;
    });
  };
  const open = el('a', { href: '#', class: 'file-link', 'data-file': file.id,
    onclick: (event) => fetched(event, (url) => window.open(url, '_blank', 'noopener')) },
  label);
  // Not named `save`: it would hide the function that saves (every press said "save is not a function").
  const download = el('a', { href: '#', class: 'file-save', 'aria-label': t('files.downloadNamed', { name: file.name }),
    onclick: (event) => fetched(event, (url) => save(url, file.name)) }, t('files.download'));
  return el('li', { class: 'file document' }, open, ' · ', download, el('span', { class: 'muted' }, ' · ', added),
    onWithdrawn ? withdrawButton(item, file, onWithdrawn) : null, withdrawRefusal(file), problem);
}

/**
 * The files' section of a card; null when there are none. `onWithdrawn` (the nurse's page, an open request): each
 * file gets its "Retirer" button, and `onWithdrawn(fileId)` has the page draw the item without it once withdrawn.
 */
export function filesView(item, { onWithdrawn } = {}) {
  forgetGone(item);
  const files = item.files || [];
  if (!files.length) {
    return null;
  }
  return el('section', { class: 'files', 'aria-label': t('files.title') },
    el('h4', {}, t('files.title')),
    el('ul', { class: 'file-list' }, ...files.map((file) => (file.mediaType.startsWith('image/')
      ? photo(item, file, onWithdrawn) : documentLink(item, file, onWithdrawn)))));
}

/** Why these files cannot go to a request already holding `already` (a sentence), or null. */
export async function limitsRefusal(list, already = 0) {
  const { maxBytes, perRequest } = await fileLimits();
  if (already + list.length > perRequest) {
    return t('files.tooMany', { n: perRequest });
  }
  const large = list.find((file) => file.size > maxBytes);
  return large ? t('files.tooLarge', { name: large.name, size: Math.round(maxBytes / (1024 * 1024)) }) : null;
}

/**
 * One Idempotency-Key per file she means to send to a request (known by its name, size and date: chosen again after a
 * lost answer, it is the same file), kept across her retries of it: the server answers a retry with the file stored the
 * first time, never a second copy in the resident's record. Answered, a later send of it is another one.
 */
const fileKeys = sendingKeysBy();

function keysOf(itemId, file) {
  return fileKeys(JSON.stringify([itemId, file.name, file.size, file.lastModified]));
}

/**
 * Sends one file (its bytes as they are: the server reads its type and strips a photo's metadata) under its `key`;
 * `onProgress(fraction)` as it goes. Resolves with the item, or rejects with the server's sentence.
 */
function sendOne(itemId, file, key, bearer, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/teleconsultations/${itemId}/files`);
    xhr.setRequestHeader('Authorization', `Bearer ${bearer}`);
    xhr.setRequestHeader('Accept-Language', currentLanguage());
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name || 'photo.jpg'));
    xhr.setRequestHeader('Idempotency-Key', key);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        onProgress(event.loaded / event.total);
      }
    };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (e) {
        // Not JSON: said below by its status.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
      } else {
        reject(refusal(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(Object.assign(new Error(t('files.connectionLost')), { status: 0 }));
    xhr.send(file);
  });
}

/** What a file's send may meet and go again from: the connection lost, too slow, the service busy (kept, "Renvoyer"). */
const SEND_AGAIN = new Set([0, 408, 429, 503]);

/**
 * Sends `files` to the request one after the other. `progress(text, fraction)` says where it
 * stands. Checks the limits first (nothing is sent when one file is too large, or too many are
 * chosen). Resolves with the item after the last; rejects at the first refusal, with a sentence
 * naming the file (those before it stay added). The service busy (429: her other files still going; 503: the node's
 * queue full; nothing read of it), the file cut for coming too slowly (408) or the connection lost (0) says to send
 * again, and carries the files not sent yet in `kept` (the failed one first), so that the page offers "Renvoyer"
 * without her choosing them again; `reason` is the server's sentence alone. Sent again under the same key, a file
 * that was stored after all is not stored twice.
 */
export async function uploadFiles(item, files, progress = () => {}) {
  const list = [...files];
  const refused = await limitsRefusal(list, item.files?.length || 0);
  if (refused) {
    throw new Error(refused);
  }
  let after = item;
  for (const [index, file] of list.entries()) {
    const say = (fraction) => progress(t('files.sending', { name: file.name, done: index + 1, total: list.length }), fraction);
    say(0);
    const keys = keysOf(item.id, file);
    const key = keys.of(null);
    try {
      try {
        after = await sendOne(item.id, file, key, await token(), say);
      } catch (e) {
        if (e.status !== 401) {
          throw e;
        }
        after = await sendOne(item.id, file, key, await token({ refresh: true }), say);
      }
      keys.answered(key);
    } catch (e) {
      const again = SEND_AGAIN.has(e.status);
      throw Object.assign(new Error(t(again ? 'files.notYetSent' : 'files.failed', { name: file.name, reason: e.message })),
        { status: e.status, reason: e.message, fileName: file.name, kept: again ? list.slice(index) : null });
    }
  }
  return after;
}

/**
 * The button that saves a closed request's report (one PDF made by the server: report, opinion,
 * vital signs, photos, exchange, who and when), named for its resident for screen readers; a
 * refusal is said under it.
 */
export function reportDownload(item) {
  const ref = item.patient?.reference || '';
  const problem = el('p', { class: 'error', role: 'alert', hidden: true });
  const download = async () => {
    problem.hidden = true;
    try {
      const response = await fetchWithToken(`/api/teleconsultations/${item.id}/report.pdf`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '')?.[1] || 'cantou-compte-rendu.pdf';
      const url = URL.createObjectURL(await response.blob());
      save(url, name);
      // Revoked once the browser has taken it (the save starts at the click).
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      announce(t('careReport.saved', { ref }));
    } catch (e) {
      problem.textContent = t('careReport.failed', { reason: e.message });
      problem.hidden = false;
    }
  };
  return el('div', { class: 'report-download' }, el('button', { type: 'button', class: 'secondary', 'data-report': item.id,
    'aria-label': ref ? t('careReport.downloadFor', { ref }) : t('careReport.download'),
    onclick: async (event) => {
      const button = event.currentTarget;
      await whileSending(button, download, 'careReport.preparing');
      // Drawn anew while busy (a live event), it left the keyboard nowhere: given back, unless she went elsewhere meanwhile.
      if (button.isConnected && (!document.activeElement || document.activeElement === document.body)) {
        button.focus();
      }
    } }, t('careReport.download')), problem);
}
