import { currentLanguage, t } from './i18n.js';
import { el } from './ui.js';

let publicConfig = null;

export async function config() {
  if (!publicConfig) {
    publicConfig = await fetch('/api/config').then((r) => r.json());
  }
  return publicConfig;
}

function loadExternalApi(origin) {
  if (window.JitsiMeetExternalAPI) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${origin}/external_api.js`;
    script.async = true;
    const timer = setTimeout(() => reject(new Error('timeout')), 15000);
    script.onload = () => { clearTimeout(timer); resolve(); };
    script.onerror = () => { clearTimeout(timer); reject(new Error('unreachable')); };
    document.head.append(script);
  });
}

/**
 * Embeds the Jitsi room in `container` with settings for weak rural links: 360p at most,
 * the device check before entering, and a switch to audio only. Reports joined / left.
 */
export async function openCall(container, join, { onJoined, onLeft } = {}) {
  const settings = await config();
  container.replaceChildren();
  const message = el('p', { class: 'notice', role: 'status' }, t('call.connecting'));
  const frame = el('div', { class: 'frame' });
  const audioOnly = el('button', { type: 'button', class: 'secondary' }, t('call.audioOnly'));
  const hangUp = el('button', { type: 'button', class: 'danger' }, t('call.leave'));
  container.append(el('h2', { tabindex: '-1' }, t('call.title')), message, frame, el('div', { class: 'actions' }, audioOnly, hangUp));
  container.hidden = false;
  container.querySelector('h2').focus();

  let api = null;
  let startAudioOnly = false;
  const start = async () => {
    try {
      await loadExternalApi(settings.jitsiOrigin);
    } catch (e) {
      message.textContent = t('call.unreachable', { domain: join.jitsi.domain });
      message.className = 'notice error';
      return;
    }
    frame.replaceChildren();
    api = new window.JitsiMeetExternalAPI(join.jitsi.domain, {
      roomName: join.jitsi.roomName,
      jwt: join.jitsi.jwt || undefined,
      parentNode: frame,
      lang: currentLanguage(),
      userInfo: { displayName: join.jitsi.displayName },
      configOverwrite: {
        prejoinConfig: { enabled: true },
        startAudioOnly,
        resolution: 360,
        constraints: { video: { height: { ideal: 360, max: 360, min: 180 } } },
        disableDeepLinking: true,
        enableNoisyMicDetection: true,
        p2p: { enabled: true },
      },
      interfaceConfigOverwrite: { MOBILE_APP_PROMO: false },
    });
    api.addListener('videoConferenceJoined', () => {
      message.textContent = t('call.inCall');
      onJoined?.();
    });
    api.addListener('videoConferenceLeft', () => {
      message.textContent = t('call.left');
      onLeft?.();
    });
  };
  audioOnly.addEventListener('click', () => {
    startAudioOnly = !startAudioOnly;
    audioOnly.textContent = startAudioOnly ? t('call.withVideo') : t('call.audioOnly');
    api?.dispose();
    start();
  });
  hangUp.addEventListener('click', () => {
    api?.executeCommand('hangup');
    api?.dispose();
    onLeft?.();
    container.hidden = true;
  });
  await start();
  return { close: () => api?.dispose() };
}
