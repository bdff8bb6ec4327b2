import { t } from './i18n.js';
import { el, markBusy } from './ui.js';

/**
 * "Tester micro et caméra", before the room opens: asks for the camera and the microphone,
 * shows the camera's picture, and says in plain words what works. A refusal, a missing camera
 * or a browser without the feature each get a sentence saying what to do; nothing breaks.
 * `title`: its heading where the default ("Avant le rendez-vous…") does not fit (a guest's call).
 */
export function deviceCheck({ title = null } = {}) {
  const result = el('p', { id: 'device-result', role: 'status' });
  const video = el('video', { class: 'preview', autoplay: true, playsinline: true, hidden: true,
    'aria-label': t('device.preview') });
  video.muted = true;
  const test = el('button', { type: 'button', class: 'secondary', id: 'device-test' }, t('device.test'));
  const stopButton = el('button', { type: 'button', class: 'secondary', hidden: true }, t('device.stop'));
  let stream = null;

  const stop = () => {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
  };
  const ask = async (constraints) => navigator.mediaDevices.getUserMedia(constraints);

  test.addEventListener('click', async () => {
    stop();
    if (!navigator.mediaDevices?.getUserMedia) {
      result.textContent = t('device.unsupported');
      return;
    }
    // While the browser asks her, a second press asks nothing twice; not disabled: the keyboard stays on the button.
    markBusy(test, true);
    result.textContent = t('device.asking');
    try {
      let camera = true;
      try {
        stream = await ask({ audio: true, video: { height: { ideal: 360 } } });
      } catch (e) {
        if (e?.name !== 'NotFoundError' && e?.name !== 'OverconstrainedError') {
          throw e;
        }
        // No camera: the microphone alone is enough for the appointment.
        camera = false;
        stream = await ask({ audio: true });
      }
      if (camera) {
        video.srcObject = stream;
        video.hidden = false;
      }
      stopButton.hidden = false;
      result.textContent = camera ? t('device.works') : t('device.microphoneOnly');
    } catch (e) {
      stop();
      const why = { NotAllowedError: 'refused', SecurityError: 'refused', NotFoundError: 'absent',
        NotReadableError: 'busy' }[e?.name] || 'failed';
      result.textContent = t(`device.${why}`);
    } finally {
      // The keyboard stayed on the button; the result beside it is read out (role=status).
      markBusy(test, false);
    }
  });
  stopButton.addEventListener('click', () => {
    stop();
    result.textContent = t('device.stopped');
  });

  const node = el('section', { class: 'device-check', 'aria-labelledby': 'device-title' },
    el('h2', { id: 'device-title' }, title || t('device.title')),
    el('p', { class: 'hint' }, t('device.hint')),
    el('div', { class: 'actions' }, test, stopButton),
    result, video);
  return { node, stop };
}
