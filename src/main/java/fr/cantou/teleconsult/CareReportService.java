package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.platform.AtOnce;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.platform.files.ImageRewriter;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The report of a closed request as one PDF, to file in the resident's record (issue 16, item 5):
 * read by whoever may read the item ({@link TeleconsultRights#maySee}: the requesting care home's
 * nurses and the doctor who handled it), only once the doctor has closed it, each download audited
 * in health_data_access (action {@code report}). The photos are read one at a time from their
 * chunks into a temporary file, made into a thumbnail on a worker (decoded subsampled), and only
 * the thumbnails are kept; the PDF is written on a worker into a temporary file that the route
 * streams and deletes.
 */
public final class CareReportService {
  /** The longer side of a photo's thumbnail, in pixels: sharp at the 230 points it is printed at. */
  private static final int THUMBNAIL_SIDE = 640;

  private final Platform platform;
  private final TeleconsultService requests;
  private final CareFileStore files;
  private final CareReportStore reports;
  private final HealthDataAccessStore accesses;
  private final long maxPixels;
  private final ZoneId zone;
  private final WorkerExecutor workers;

  CareReportService(Platform platform, TeleconsultService requests, CareFileStore files, CareReportStore reports,
                    HealthDataAccessStore accesses, TeleconsultConfig.FileLimits limits) {
    this.platform = platform;
    this.requests = requests;
    this.files = files;
    this.reports = reports;
    this.accesses = accesses;
    this.maxPixels = limits.maxPixels();
    this.zone = platform.config().defaultTimeZone();
    // The photos' pool (CareFileService): decoding pictures, for uploads and reports together, on two workers at most.
    this.workers = platform.vertx().createSharedWorkerExecutor(CareFileService.WORKERS, 2);
  }

  /** Reports made at once on this node, at most. */
  static final int MOST_AT_ONCE = 3;
  // A few at once per node, the rest told to come back: each takes a worker shared with the photos' uploads, and a
  // loop of downloads must not starve them (outside review: a 15-s report held an upload 18 s).
  private final AtOnce making = new AtOnce(MOST_AT_ONCE, () -> new ApiException(503,
      "Many reports are being made just now; please try again in a few seconds.").retryAfter(5));

  /** The PDF made for one download: the name it is saved under (no patient data in it), and the temporary file. */
  public record Report(String fileName, Path file) {}

  public Future<Report> report(Principal p, UUID id) {
    return making.run(() -> make(p, id));
  }

  private Future<Report> make(Principal p, UUID id) {
    Instant now = platform.clock().instant();
    return requests.loadVisible(p, id).compose(item -> {
      if (!Status.COMPLETED.equals(item.status())) {
        return Future.failedFuture(ApiException.conflict(
            "This teleconsultation is {0}; its report can be downloaded once the doctor has closed it.",
            TeleconsultService.status(item)));
      }
      List<Teleconsultation.CareFile> photos = item.files() == null ? List.of()
          : item.files().stream().filter(f -> f.mediaType().startsWith("image/")).toList();
      return reports.specialtyLabel(platform.pool(), item.specialty())
          .compose(label -> Futures.inOrder(photos, file -> thumbnail(id, file))
              .compose(thumbnails -> workers.executeBlocking(() -> pdf(new CareReportPdf.Contents(item, label, thumbnails,
                  now, zone)), false)))
          .compose(pdf -> accesses.audit(platform.pool(), List.of(id), p, "report", now)
              .map(v -> new Report(fileName(item, zone), pdf))
              .recover(e -> platform.vertx().fileSystem().delete(pdf.toString()).transform(v -> Future.failedFuture(e))));
    });
  }

  /** "cantou-compte-rendu-3F2A9C1B-2026-12-02.pdf": the request's number and the day it closed, nothing of the resident. */
  static String fileName(Teleconsultation item, ZoneId zone) {
    LocalDate closed = LocalDate.ofInstant(item.completedAt() == null ? Instant.EPOCH : item.completedAt(), zone);
    return "cantou-compte-rendu-" + CareReportPdf.number(item).toLowerCase(Locale.ROOT) + "-" + closed + ".pdf";
  }

  /** On a worker: the PDF in a temporary file (deleted here if it cannot be written whole). */
  private static Path pdf(CareReportPdf.Contents contents) throws IOException {
    Path target = Files.createTempFile("cantou-report-", ".pdf");
    try {
      CareReportPdf.write(contents, target);
      return target;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(target);
      throw e;
    }
  }

  /**
   * A photo's thumbnail: its chunks copied one at a time into a temporary file, then read back
   * small on a worker; no thumbnail (null) when the file went meanwhile (erased) or cannot be read.
   */
  private Future<CareReportPdf.Thumbnail> thumbnail(UUID item, Teleconsultation.CareFile file) {
    var fs = platform.vertx().fileSystem();
    return files.find(platform.pool(), item, UUID.fromString(file.id())).compose(found -> found.isEmpty()
        ? Future.succeededFuture(new CareReportPdf.Thumbnail(file, null))
        : fs.createTempFile("cantou-report-", ".part").compose(path -> fs.open(path, new OpenOptions().setWrite(true))
            .compose(copy -> copy(copy, found.get(), 0).eventually(copy::close))
            .compose(whole -> whole ? workers.executeBlocking(() -> small(Path.of(path), file.mediaType()), false)
                : Future.<byte[]>succeededFuture(null))
            .map(jpeg -> new CareReportPdf.Thumbnail(file, jpeg))
            .eventually(() -> fs.delete(path))));
  }

  /** Chunk {@code seq} and those after it written to {@code target}, one in memory at a time; false when one is gone. */
  private Future<Boolean> copy(AsyncFile target, CareFileStore.Stored file, int seq) {
    if (seq == file.chunks()) {
      return Future.succeededFuture(true);
    }
    return files.chunk(platform.pool(), file.id(), seq).compose(data -> data.isEmpty() ? Future.succeededFuture(false)
        : target.write(data.get(), (long) seq * CareFileStore.CHUNK_BYTES).compose(v -> copy(target, file, seq + 1)));
  }

  private byte[] small(Path photo, String mediaType) throws IOException {
    try {
      return ImageRewriter.thumbnail(photo, mediaType, THUMBNAIL_SIDE, maxPixels);
    } catch (ImageRewriter.Unreadable | ImageRewriter.TooLarge e) {
      return null;
    }
  }
}
