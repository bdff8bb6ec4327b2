package fr.cantou.visio;

import fr.cantou.platform.AtOnce;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.function.Supplier;

/**
 * "Scanner ma convocation" on a point's screen whose browser cannot read a QR code itself (no
 * {@code BarcodeDetector}): it sends small camera frames, one at a time, and the QR code's text is
 * read here. A reference read takes exactly the way of a reference typed
 * ({@link KioskService#checkIn}: its limit per screen, its one 404 for whatever is not an
 * appointment of today at this point). A frame without a code answers 422 and counts only against
 * the screen's frame budget. Frames are read in memory, on a worker, a few at once per node (past
 * that, 503 with Retry-After), and are never written anywhere nor logged.
 */
final class KioskScans {
  /** The largest frame accepted (a 480×360 grey JPEG is 15 to 40 KB). */
  static final int MAX_BYTES = 200 * 1024;
  /** Frames read at once on this node, at most. */
  static final int MOST_AT_ONCE = 2;
  /** Frames one screen may send an hour: about twelve minutes of scanning at one frame every 700 ms. */
  static final int FRAMES_PER_SCREEN = 1000;
  static final String WORKERS = "cantou-qr-frames";

  private final KioskService kiosks;
  private final RateLimits limits;
  private final WorkerExecutor workers;
  // A few at once, the rest told to come back: the screen sends its next frame a moment later anyway.
  private final AtOnce reading = new AtOnce(MOST_AT_ONCE, () -> new ApiException(503,
      "Many QR codes are being read just now; please try again in a few seconds.").retryAfter(2));

  KioskScans(Platform platform, KioskService kiosks, RateLimits limits) {
    this.kiosks = kiosks;
    this.limits = limits;
    this.workers = platform.vertx().createSharedWorkerExecutor(WORKERS, MOST_AT_ONCE);
  }

  static ApiException tooLarge() {
    return new ApiException(413, "This picture is larger than {0} KB, the most a scanned frame can be.", MAX_BYTES / 1024);
  }

  /**
   * The screen first (its token), then the frame ({@code frame} reads the body), counted against
   * the screen's budget, read on a worker; its text checked in as a typed reference.
   */
  Future<KioskService.KioskAppointment> scan(String token, Supplier<Future<Buffer>> frame, String address) {
    return kiosks.screen(token).compose(s -> frame.get()
        .compose(body -> limits.take(List.of(new RateLimits.Limit("kiosk-frame:" + s.id(), FRAMES_PER_SCREEN)),
                KioskService.GUESS_WINDOW, ApiException.tooManyRequests(
                    "Too many pictures sent by this screen; please type the reference or ask the mediator."))
            .compose(taken -> reading.run(() -> workers.executeBlocking(() -> QrCodes.read(body.getBytes()), false))))
        .compose(text -> text.isPresent() ? kiosks.checkIn(s, null, text.get(), address)
            : Future.failedFuture(new ApiException(422,
                "No QR code was seen on the camera; hold the convocation still, closer, in front of it."))));
  }
}
