package fr.cantou.platform.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A request's raw body streamed into a temporary file, never whole in memory: each piece is
 * written as it comes, the connection paused while the disk catches up, and the size counted as
 * it goes — past {@code maxBytes} the upload stops there (413). A body slower than the node's {@link BodyPace} is cut
 * at its deadline (408). A body that does not arrive whole (the connection closed or reset mid-way) fails the future.
 * On any failure the temporary file is already deleted; on success it is the caller's to delete.
 */
public final class StreamedBody {
  private StreamedBody() {}

  /** Thrown into the future when the body stopped before its end. */
  public static final class Truncated extends RuntimeException {
    Truncated(Throwable cause) {
      super("the request body did not arrive whole: " + cause.getMessage(), cause, false, false);
    }
  }

  public static Future<Path> toTemporaryFile(RoutingContext ctx, long maxBytes, ApiException tooLarge) {
    HttpServerRequest request = ctx.request();
    FileSystem fs = ctx.vertx().fileSystem();
    BodyPace pace = BodyPace.of(ctx);
    if (ctx.response().closed()) {
      return Future.failedFuture(new Truncated(new HttpClosedException("connection closed before the body was read")));
    }
    return fs.createTempFile("cantou-upload-", ".part").compose(name -> {
      Path path = Path.of(name);
      return fs.open(name, new OpenOptions().setWrite(true).setTruncateExisting(true))
          .compose(file -> receive(ctx, request, file, maxBytes, tooLarge, pace).eventually(file::close))
          .map(path)
          .recover(e -> fs.delete(name).transform(deleted -> Future.failedFuture(e)));
    });
  }

  /**
   * A small raw body (a camera frame) read into memory, never to disk: past {@code maxBytes} the
   * reading stops there (413), said from Content-Length before anything is read when it is sent; slower than the
   * node's {@link BodyPace}, it is cut at its deadline (408).
   */
  public static Future<Buffer> inMemory(RoutingContext ctx, int maxBytes, ApiException tooLarge) {
    HttpServerRequest request = ctx.request();
    String length = request.getHeader("Content-Length");
    if (length != null && declared(length) > maxBytes) {
      return Future.failedFuture(tooLarge);
    }
    Promise<Buffer> received = Promise.promise();
    Deadline deadline = new Deadline(ctx.vertx(), BodyPace.of(ctx), request, received);
    Buffer whole = Buffer.buffer();
    request.handler(piece -> {
      if (received.future().isComplete()) {
        return;
      }
      if (whole.length() + piece.length() > maxBytes) {
        request.pause();
        received.tryFail(tooLarge);
        return;
      }
      deadline.received(piece.length());
      whole.appendBuffer(piece);
    });
    request.exceptionHandler(e -> received.tryFail(new Truncated(e)));
    whenClosed(ctx, received);
    request.endHandler(v -> received.tryComplete(whole));
    begin(ctx, deadline);
    return received.future();
  }

  /**
   * The body fails when the connection closes — or at once when it closed already: the checks before the reading
   * (rights, the database) may outlast the client, and a close that came before this handler is never heard again
   * (the reading then waited for ever, its temporary file with it).
   */
  private static <T> void whenClosed(RoutingContext ctx, Promise<T> received) {
    ctx.response().closeHandler(v -> received.tryFail(new Truncated(new HttpClosedException("connection closed"))));
    if (ctx.response().closed()) {
      received.tryFail(new Truncated(new HttpClosedException("connection closed before the body was read")));
    }
  }

  /**
   * A client that said {@code Expect: 100-continue} (curl past 1 MiB, .NET, Java's HttpClient) sends its body only once
   * invited: invited here, once the handler has decided to read it (its refusals go out before, with no 100). Vert.x
   * invites only from its BodyHandler, which a streamed body bypasses: the client waited while its grace ran out.
   */
  private static void invite(RoutingContext ctx) {
    if (ctx.request().headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true) && !ctx.response().closed()
        && !ctx.response().headWritten()) {
      ctx.response().writeContinue();
    }
  }

  /** The reading begins: the client invited if it waits for it, the deadline running, the data let in. */
  private static void begin(RoutingContext ctx, Deadline deadline) {
    invite(ctx);
    deadline.start();
    ctx.request().resume();
  }

  private static long declared(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Future<Void> receive(RoutingContext ctx, HttpServerRequest request, AsyncFile file, long maxBytes,
                                      ApiException tooLarge, BodyPace pace) {
    Promise<Void> received = Promise.promise();
    Deadline deadline = new Deadline(ctx.vertx(), pace, request, received);
    long[] size = {0};
    request.handler(piece -> {
      if (received.future().isComplete()) {
        return;
      }
      size[0] += piece.length();
      if (size[0] > maxBytes) {
        request.pause();
        received.tryFail(tooLarge);
        return;
      }
      deadline.received(piece.length());
      file.write(piece);
      if (file.writeQueueFull()) {
        // The disk's slowness is the node's, not the sender's: the deadline does not run while it is paused for it.
        request.pause();
        deadline.suspend();
        file.drainHandler(v -> {
          deadline.resume();
          request.resume();
        });
      }
    });
    request.exceptionHandler(e -> received.tryFail(new Truncated(e)));
    whenClosed(ctx, received);
    file.exceptionHandler(received::tryFail);
    request.endHandler(v -> received.tryComplete());
    begin(ctx, deadline);
    return received.future();
  }

  /**
   * One body's deadline ({@link BodyPace}): one timer, set at the deadline as it stands; when it falls, the deadline is
   * worked out again from what came meanwhile, and the timer set again — or, passed, the body cut (408). One timer per
   * body, not one per piece. The body's end, failure or cut cancels it.
   */
  private static final class Deadline {
    private final Vertx vertx;
    private final BodyPace pace;
    private final HttpServerRequest request;
    private final Promise<?> body;
    private long start;
    private long received;
    private long suspendedAt = -1;
    private long timer = -1;

    Deadline(Vertx vertx, BodyPace pace, HttpServerRequest request, Promise<?> body) {
      this.vertx = vertx;
      this.pace = pace;
      this.request = request;
      this.body = body;
      body.future().onComplete(done -> cancel());
    }

    void start() {
      start = System.nanoTime();
      if (!body.future().isComplete()) {
        schedule();
      }
    }

    void received(int bytes) {
      received += bytes;
    }

    void suspend() {
      cancel();
      suspendedAt = System.nanoTime();
    }

    /** The time the node kept the sender waiting is added to the grace. */
    void resume() {
      if (suspendedAt >= 0 && !body.future().isComplete()) {
        start += System.nanoTime() - suspendedAt;
        suspendedAt = -1;
        schedule();
      }
    }

    private void schedule() {
      long left = pace.deadlineNanos(start, received) - System.nanoTime();
      if (left <= 0) {
        request.pause();
        body.tryFail(BodyPace.tooSlow());
        return;
      }
      timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), t -> {
        timer = -1;
        if (!body.future().isComplete()) {
          schedule();
        }
      });
    }

    private void cancel() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }
}
