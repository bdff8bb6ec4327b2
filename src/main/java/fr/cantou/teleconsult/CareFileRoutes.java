package fr.cantou.teleconsult;

import fr.cantou.identity.CurrentUser;
import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.RequestLog;
import fr.cantou.platform.http.Responses;
import fr.cantou.platform.http.StreamedBody;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * HTTP adapter of a request's photos and documents. The upload's body is not read by the API's
 * BodyHandler ({@code RequestBodies}): rights and the item's state are checked first, then the
 * body streams to a temporary file under the size limit, then the service checks and stores it;
 * the temporary file is deleted whatever happens. The download streams the stored chunks one at a
 * time, each written once the one before has left. The report of a closed request
 * ({@link CareReportService}) is sent from the temporary file it was made in, then that file goes. A withdrawn file
 * answers 204.
 */
final class CareFileRoutes implements ApiModule {
  /** Opened alone, a file runs nothing and reaches nothing (a PDF's scripts, an SVG's, none). */
  private static final String ALONE = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
  private final CareFileService files;
  private final CareReportService reports;

  CareFileRoutes(CareFileService files, CareReportService reports) {
    this.files = files;
    this.reports = reports;
  }

  @Override
  public void mount(RouterBuilder api) {
    // The body is a file, streamed by the handler: the contract's validation would read it whole.
    api.getRoute("addTeleconsultationFile").setDoValidation(false).addHandler(this::upload);
    api.getRoute("getTeleconsultationFile").addHandler(Endpoint.answer(ctx -> files.open(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), Ids.parse(ctx.pathParam("fileId"), "file")), (ctx, download) -> {
          boolean attachment = "1".equals(ctx.queryParams().get("download"));
          HttpServerResponse response = ctx.response()
              .putHeader("Content-Type", download.mediaType())
              .putHeader("Content-Length", Long.toString(download.size()))
              .putHeader("Content-Disposition", disposition(attachment, download.name()))
              .putHeader("Cache-Control", "no-store")
              .putHeader("X-Content-Type-Options", "nosniff")
              .putHeader("Content-Security-Policy", ALONE);
          send(response, download, 0);
        }));
    // A file sent into the wrong request, withdrawn by its care home's nurse while the request is open.
    api.getRoute("withdrawTeleconsultationFile").addHandler(Endpoint.noContent(ctx -> files.withdraw(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), Ids.parse(ctx.pathParam("fileId"), "file"))));
    // The closed request's report, made for this download into a temporary file, streamed from it, then deleted.
    api.getRoute("getTeleconsultationReport").addHandler(Endpoint.answer(ctx -> reports.report(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation")),
        (ctx, report) -> send(ctx, report).eventually(() -> ctx.vertx().fileSystem().delete(report.file().toString()))));
  }

  /** The report's file sent; the client gone while it was made (its file was left behind, outside review): nothing. */
  private static Future<Void> send(RoutingContext ctx, CareReportService.Report report) {
    if (ctx.response().closed()) {
      return Future.failedFuture("the client left before its report was made");
    }
    try {
      return ctx.response()
          .putHeader("Content-Type", "application/pdf")
          .putHeader("Content-Disposition", disposition(true, report.fileName()))
          .putHeader("Cache-Control", "no-store")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", ALONE)
          .sendFile(report.file().toString())
          .onFailure(e -> {
            // Not sent whole (the client gone, the disk): a 500 if nothing left yet, else the stream cut.
            if (!ctx.response().headWritten()) {
              ctx.fail(e);
            } else {
              ctx.response().reset();
            }
          });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void upload(RoutingContext ctx) {
    RequestLog.remember(ctx);
    HttpServerRequest request = ctx.request();
    Principal nurse;
    UUID id;
    String name;
    // One key per file she means to send, kept across her retries of it: a retry stores nothing twice.
    String key = request.getHeader("Idempotency-Key");
    try {
      nurse = CurrentUser.require(ctx);
      id = Ids.parse(ctx.pathParam("id"), "teleconsultation");
      name = fileName(request.getHeader("X-File-Name"));
      checkKey(key);
    } catch (RuntimeException e) {
      refuse(ctx, e);
      return;
    }
    String length = request.getHeader("Content-Length");
    // Her place and the node's taken first: past either, refused before the database is asked or the body read.
    files.uploading(nurse, () -> files.mayAdd(nurse, id, key)
            .compose(v -> length != null && parseLength(length) > files.maxBytes()
                ? Future.failedFuture(files.tooLarge()) : Future.succeededFuture())
            .compose(v -> StreamedBody.toTemporaryFile(ctx, files.maxBytes(), files.tooLarge()))
            .compose(received -> files.add(nurse, id, name, received, key)
                .eventually(() -> ctx.vertx().fileSystem().delete(received.toString()))))
        .onSuccess(item -> Responses.created(ctx, item))
        .onFailure(e -> refuse(ctx, e));
  }

  /** The contract's rule for an Idempotency-Key, checked here: this route's request is not validated by the contract. */
  private static void checkKey(String key) {
    if (key != null && (key.length() < 8 || key.length() > 100)) {
      throw ApiException.badRequest("Invalid header 'Idempotency-Key': 8 to 100 characters.");
    }
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A refusal, answered at once (RequestBodies closes an HTTP/1.x connection whose body was not read to its end); a
   * body cut off is nobody's to answer (ProblemHandler resets it).
   */
  private static void refuse(RoutingContext ctx, Throwable e) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.fail(e);
    }
  }

  /** The name she gave, sent percent-encoded in UTF-8 (X-File-Name); only its last part, without control characters. */
  static String fileName(String header) {
    if (header == null || header.isBlank()) {
      throw ApiException.badRequest("Invalid header 'X-File-Name': the file's name, percent-encoded in UTF-8, is required.");
    }
    String decoded;
    try {
      decoded = URLDecoder.decode(header.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Invalid header 'X-File-Name': the file's name, percent-encoded in UTF-8, is required.");
    }
    String last = decoded.substring(Math.max(decoded.lastIndexOf('/'), decoded.lastIndexOf('\\')) + 1);
    String clean = last.replaceAll("[\\p{Cc}\\p{Cf}]", "").strip();
    if (clean.isEmpty() || clean.length() > CareFileService.MAX_NAME_LENGTH) {
      throw ApiException.badRequest("Invalid header 'X-File-Name': a name of 1 to 200 characters.");
    }
    return clean;
  }

  /** Chunk {@code seq}, then the next once it has left (the write's future): one chunk of the file in memory at a time. */
  private static void send(HttpServerResponse response, CareFileService.Download download, int seq) {
    if (seq == download.chunks()) {
      response.end();
      return;
    }
    download.chunk().apply(seq)
        .compose(data -> data.isPresent() ? response.write(data.get())
            : Future.failedFuture(new IllegalStateException("the file was erased while it was sent")))
        .onSuccess(v -> send(response, download, seq + 1))
        .onFailure(e -> response.reset());
  }

  /** inline or attachment, with the name in ASCII (RFC 6266) and in UTF-8 (RFC 5987). */
  static String disposition(boolean attachment, String name) {
    String ascii = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
        .replaceAll("[^\\x20-\\x7E]|[\"\\\\]", "_");
    return (attachment ? "attachment" : "inline") + "; filename=\"" + ascii + "\"; filename*=UTF-8''"
        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
