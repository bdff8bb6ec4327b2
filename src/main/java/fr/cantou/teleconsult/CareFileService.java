package fr.cantou.teleconsult;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.AtOnce;
import fr.cantou.platform.AtOncePerKey;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.files.FileSniffer;
import fr.cantou.platform.files.ImageRewriter;
import fr.cantou.platform.files.IsolatedPdfCheck;
import fr.cantou.platform.files.PdfChecker;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The photos and documents of a request (issue 16): a nurse of the requesting care home adds
 * them while it is open; whoever may see the item reads them, each read audited. A file's type is
 * read from its content; a photo is written again without its metadata (on a pool of two
 * workers: decoding a photo takes the memory of its pixels); a PDF is parsed whole there too (a few at once); the file and its chunks are written
 * in one transaction with the item's timeline line and its event (metadata only, never bytes). The same nurses
 * withdraw a file sent into the wrong request while it is open: its row and bytes deleted in one transaction.
 *
 * <p>Long because a file's whole life (the checks before and after its body, its staged storage, its reads, its
 * withdrawal) follows one set of rules on one item's lock, best read together.
 */
public final class CareFileService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CareFileService.class);
  private static final Set<String> ACCEPTED = Set.of("image/jpeg", "image/png", "application/pdf");
  /** Photos a phone or tablet may send that this server cannot decode (and so cannot strip): refused in words. */
  private static final Set<String> UNSUPPORTED_PHOTOS = Set.of("image/webp", "image/heic", "image/heif", "image/avif");
  private static final Set<String> OPEN = Set.of(Status.QUEUED, Status.ASSIGNED, Status.IN_CALL);
  private static final ApiException FILE_KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for another "
      + "file; send a new key with a new file.");
  /** A retry that waited for the first sending's lock finds its file added meanwhile: answered as a retry. */
  private static final ApiException KEY_USED_MEANWHILE = new ApiException(409, "This Idempotency-Key was used for another "
      + "file; send a new key with a new file.");
  /** The workers that decode pictures (shared by name with the reports' thumbnails, {@link CareReportService}). */
  static final String WORKERS = "cantou-care-files";
  /** How many: decoding a photo takes the memory of its pixels ({@code ImageRewriter}'s share of the heap). */
  static final int WORKER_COUNT = 2;

  private final Platform platform;
  private final TeleconsultService requests;
  private final CareFileStore files;
  private final HealthDataAccessStore accesses;
  private final TeleconsultEvents events;
  private final TeleconsultConfig.FileLimits limits;
  private final WorkerExecutor workers;
  private final IsolatedPdfCheck pdfs;
  /** Documents parsed at once on this node, at most: each in a child JVM of up to 128 MB of heap. */
  static final int MOST_PARSES_AT_ONCE = 2;
  private final AtOnce parses = new AtOnce(MOST_PARSES_AT_ONCE, () -> new ApiException(503,
      "Many documents are being checked just now; please send it again in a few seconds.").retryAfter(5));
  /**
   * Each user's uploads under way on this node, from before the body is read to the answer: a tablet (or a script with
   * its session) sending dozens at once is told 429 past a few, and the others' photos do not wait behind hers.
   */
  private final AtOncePerKey<UUID> perUser;
  /** Every upload under way on this node: the two at the workers and those waiting (being received or for a worker). */
  private final AtOnce onThisNode;
  /**
   * A test's seam: what happens between an upload's body received and its checks on the workers (nothing in
   * production). A test holds uploads there, in flight, to fill the bounds above without timing.
   */
  private volatile Supplier<Future<Void>> beforeChecks = Future::succeededFuture;

  CareFileService(Platform platform, TeleconsultService requests, CareFileStore files, HealthDataAccessStore accesses,
                  TeleconsultEvents events, TeleconsultConfig.FileLimits limits) {
    this.platform = platform;
    this.events = events;
    this.requests = requests;
    this.files = files;
    this.accesses = accesses;
    this.limits = limits;
    this.workers = platform.vertx().createSharedWorkerExecutor(WORKERS, WORKER_COUNT);
    this.perUser = new AtOncePerKey<>(limits.uploadsPerUser(), () -> ApiException.tooManyRequests("Your other files are still "
        + "being sent; wait a moment until they have arrived, then send this one again.").retryAfter(5));
    this.onThisNode = new AtOnce(WORKER_COUNT + limits.uploadsWaiting(), () -> new ApiException(503, "The service is busy "
        + "receiving many photos and documents just now; please send yours again in a moment.").retryAfter(5));
    this.pdfs = new IsolatedPdfCheck(platform.vertx(), workers);
  }

  public long maxBytes() {
    return limits.maxBytes();
  }

  public ApiException tooLarge() {
    return new ApiException(413, "This file is larger than {0} MB, the most a file can be.", megabytes(limits.maxBytes()));
  }

  private static String megabytes(long bytes) {
    double mb = bytes / (1024.0 * 1024.0);
    return mb == Math.rint(mb) ? Long.toString((long) mb) : String.format(java.util.Locale.ROOT, "%.1f", mb);
  }

  /**
   * An upload under way: {@code upload} (its body received, checked and stored) when this user has a place on this node
   * and the node a place in its queue, each given back however the upload ends (stored, refused, cut off by the client,
   * timed out); else refused at once, before anything is read or written: 429 (her own uploads), 503 (the node's).
   */
  public <T> Future<T> uploading(Principal p, Supplier<Future<T>> upload) {
    return perUser.run(p.userId(), () -> onThisNode.run(upload));
  }

  /** Tests only: {@code step} runs between each upload's body received and its checks. */
  void beforeChecks(Supplier<Future<Void>> step) {
    beforeChecks = step;
  }

  /**
   * Before the body is read: who asks, and whether the item can take one more file now (the
   * transaction that stores it checks both again under the item's lock). A retry of an upload that was stored (its
   * {@code idempotencyKey} added a file already) is let through whatever the item's state: its body is read to tell the
   * same file from another, then answered with what the first made; a request filled by that very file is not "full".
   */
  public Future<Void> mayAdd(Principal nurse, UUID id, String idempotencyKey) {
    if (!nurse.is(Role.NURSE)) {
      return Future.failedFuture(ApiException.forbidden("Only a nurse of the requesting organisation may add photos and documents."));
    }
    return requests.load(id).compose(item -> {
      if (!TeleconsultRights.isNurseSide(nurse, item)) {
        return Future.failedFuture(ApiException.forbidden("Only a nurse of the requesting organisation may add photos and documents."));
      }
      Future<Boolean> sentBefore = idempotencyKey == null ? Future.succeededFuture(false)
          : files.byIdempotencyKey(platform.pool(), nurse.userId(), idempotencyKey).map(Optional::isPresent);
      return sentBefore.compose(retry -> retry ? Future.succeededFuture() : mayTakeOneMore(item));
    });
  }

  /** Whether the item, as read, is open and not full. */
  private Future<Void> mayTakeOneMore(Teleconsultation item) {
    if (!OPEN.contains(item.status()) || item.erasedAt() != null) {
      return Future.failedFuture(closed(item));
    }
    return item.files().size() >= limits.perItem() ? Future.failedFuture(full()) : Future.succeededFuture();
  }

  private static ApiException closed(Teleconsultation item) {
    return ApiException.conflict("This teleconsultation is {0}; photos and documents are added while it is open.",
        TeleconsultService.status(item));
  }

  private ApiException full() {
    return ApiException.conflict("This request holds {0} files, the most it can.", limits.perItem());
  }

  /** What a received file became once checked: the file to store (a photo without its metadata), its type, size and digest. */
  private record Checked(Path path, boolean temporary, String mediaType, long size, String sha256) {}

  /**
   * Adds the file received in {@code received} (the caller deletes it) under the name she gave:
   * its type read from its bytes, a photo stripped of its metadata, then stored whole or not at all. Sent again with
   * its Idempotency-Key (the answer lost on a weak link), the same file (the same item, name and bytes) is answered
   * with the item holding the file the first made: never a second copy in the resident's record.
   */
  public Future<Teleconsultation> add(Principal nurse, UUID id, String name, Path received, String idempotencyKey) {
    // The same file is the same bytes received: a photo's stored copy is written again, its digest is not the sent one's.
    Future<Void> held = beforeChecks.get();
    Future<Idempotent> sent = idempotencyKey == null ? held.map((Idempotent) null)
        : held.compose(v -> workers.executeBlocking(() -> sha256(received), false))
            .map(bytes -> Idempotent.of(idempotencyKey, List.of(id, name, bytes)));
    return sent.compose(key -> Idempotent.once(key,
        () -> files.byIdempotencyKey(platform.pool(), nurse.userId(), idempotencyKey), requests::load,
        () -> checkedAndStored(nurse, id, name, received, key),
        e -> e == KEY_USED_MEANWHILE || Refused.is(e, CareFileStore.Refusal.KEY_USED), FILE_KEY_REUSED));
  }

  private Future<Teleconsultation> checkedAndStored(Principal nurse, UUID id, String name, Path received, Idempotent sent) {
    Instant now = platform.clock().instant();
    return mayAdd(nurse, id, null)
        .compose(v -> workers.executeBlocking(() -> sniff(received), false))
        .compose(type -> "application/pdf".equals(type)
            ? parses.run(() -> pdfs.check(received).recover(CareFileService::refused)
                .compose(v -> workers.executeBlocking(() -> document(received), false)))
            : workers.executeBlocking(() -> photo(received, type), false))
        .compose(checked -> store(nurse, id, name, checked, sent, now)
            .eventually(() -> checked.temporary() ? platform.vertx().fileSystem().delete(checked.path().toString())
                : Future.succeededFuture()));
  }

  /** On a worker: the type from the content, one of those accepted. */
  private static String sniff(Path received) throws IOException {
    if (Files.size(received) == 0) {
      throw ApiException.badRequest("The file is empty.");
    }
    String type = FileSniffer.mediaType(received);
    if (UNSUPPORTED_PHOTOS.contains(type)) {
      throw new ApiException(415, "Photos in {0} format are not accepted yet: send them as JPEG or PNG (the tablet's camera "
          + "takes JPEG when its format is set to \"most compatible\").", type.substring("image/".length()).toUpperCase(java.util.Locale.ROOT));
    }
    if (!ACCEPTED.contains(type)) {
      throw new ApiException(415, "This file is not a JPEG or PNG photo nor a PDF document (its content says {0}).", type);
    }
    return type;
  }

  /**
   * A file that starts like a PDF must be one, whole ({@link PdfChecker}, run in a child JVM by
   * {@link IsolatedPdfCheck}: parsed by PDFBox from the file, in a small heap, within a deadline).
   */
  private static Future<Void> refused(Throwable e) {
    if (!(e instanceof PdfChecker.Refused refusal)) {
      return Future.failedFuture(e);
    }
    return Future.failedFuture(switch (refusal.why()) {
      case ENCRYPTED -> new ApiException(415, "This PDF document is protected by a password: save or "
          + "print it again as a PDF without protection, then send it.");
      case NO_PAGE -> new ApiException(415, "This PDF document has no page.");
      case UNREADABLE -> new ApiException(415, "This file starts like a PDF document but is not a whole, readable one "
          + "(damaged, cut short or something else); open it on the tablet, save it again as PDF, then send it.");
    });
  }

  /** On a worker: a checked document, stored as sent (see docs/security.md for why it is not rewritten). */
  private static Checked document(Path received) throws IOException {
    return new Checked(received, false, "application/pdf", Files.size(received), sha256(received));
  }

  /** On a worker: a photo written again without its metadata into a file of its own. */
  private Checked photo(Path received, String type) throws IOException {
    Path clean = Files.createTempFile("cantou-clean-", ".part");
    try {
      ImageRewriter.rewrite(received, type, clean, limits.maxPixels());
      // The limit is on what she sends (checked as it arrives): written again without its metadata, a photo her camera
      // compressed harder than our quality grows (+47 % seen), and was refused as "over the limit" it was under.
      // Twice the limit bounds what a rewrite may store.
      if (Files.size(clean) > 2 * limits.maxBytes()) {
        throw tooLarge();
      }
      return new Checked(clean, true, type, Files.size(clean), sha256(clean));
    } catch (ImageRewriter.Unreadable e) {
      Files.deleteIfExists(clean);
      throw new ApiException(415, "This photo cannot be read (damaged or cut short); take it again or send it as JPEG.");
    } catch (ImageRewriter.TooLarge e) {
      Files.deleteIfExists(clean);
      throw e.heavy()
          ? new ApiException(413, "This photo is too large to be opened here (its width, its height or its colour depth); "
              + "send it at a smaller size.")
          : new ApiException(413, "This photo has more than {0} million pixels, the most a photo can have.",
              limits.maxPixels() / 1_000_000);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(clean);
      throw e;
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = Secrets.newSha256();
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /**
   * The file's row and chunks first, each its own short statement, unseen (no position); then one short transaction:
   * the item locked open and not full, the file given its place, the timeline, the event. A writing transaction that
   * stayed open while 10 MB went in would hold every node's event delivery back (the outbox's horizon). Refused or
   * failed, the staged file is deleted: nothing half-stored.
   */
  private Future<Teleconsultation> store(Principal nurse, UUID id, String name, Checked checked, Idempotent sent, Instant now) {
    UUID fileId = UUID.randomUUID();
    int chunks = (int) Math.max(1, (checked.size() + CareFileStore.CHUNK_BYTES - 1) / CareFileStore.CHUNK_BYTES);
    CareFileStore.NewFile row = new CareFileStore.NewFile(fileId, id, withExtensionOf(name, checked.mediaType()),
        checked.mediaType(), checked.size(), chunks,
        checked.sha256(), nurse.userId(), "nurse", now);
    Future<Teleconsultation> stored = platform.vertx().fileSystem()
        .open(checked.path().toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(file -> files.stage(platform.pool(), row)
            .compose(v -> chunks(platform.pool(), file, fileId, 0, chunks, checked.size()))
            .eventually(file::close))
        .compose(v -> platform.pool().withTransaction(tx -> files.lockOpen(tx, id)
            // A retry that waited for the first sending's lock: its file is there, the request maybe full by it.
            .compose(held -> sent == null ? Future.succeededFuture(held)
                : files.byIdempotencyKey(tx, nurse.userId(), sent.key()).compose(first -> first.isPresent()
                    ? Future.failedFuture(KEY_USED_MEANWHILE) : Future.succeededFuture(held)))
            .compose(held -> {
          if (held.isEmpty()) {
            return requests.load(id).compose(item -> Future.failedFuture(closed(item)));
          }
          if (held.get() >= limits.perItem()) {
            return Future.failedFuture(full());
          }
          return files.add(tx, id, fileId, sent)
              .compose(added -> requests.recorded(tx, id, nurse, "file_added", new JsonObject()
                  .put("mediaType", checked.mediaType()).put("size", checked.size()), now, TeleconsultEvents.UPDATED));
        })));
    return stored.recover(e -> files.dropStaged(platform.pool(), fileId)
        .transform(dropped -> Future.<Teleconsultation>failedFuture(e)));
  }

  /** Staged files a stopped node left behind (older than an hour): deleted with their chunks. */
  public Future<Void> purgeStaged() {
    return files.purgeStaged(platform.pool(), platform.clock().instant().minus(java.time.Duration.ofHours(1)))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("event=care_files_staged_purged files={}", n);
          }
        })
        .mapEmpty();
  }

  /** Chunk {@code seq} and those after it, read from the file and inserted one at a time: one chunk in memory. */
  private Future<Void> chunks(SqlClient db, AsyncFile file, UUID fileId, int seq, int count, long size) {
    if (seq == count) {
      return Future.succeededFuture();
    }
    long offset = (long) seq * CareFileStore.CHUNK_BYTES;
    int length = (int) Math.min(CareFileStore.CHUNK_BYTES, size - offset);
    return file.read(Buffer.buffer(length), 0, offset, length)
        .compose(data -> data.length() != length
            ? Future.failedFuture(new IOException("the file changed while it was stored"))
            : files.insertChunk(db, fileId, seq, data))
        .compose(v -> chunks(db, file, fileId, seq + 1, count, size));
  }

  /**
   * The name she gave, ending as its content is: "compte-rendu.html" holding a PDF becomes
   * "compte-rendu.pdf", "photo.jpg.exe" holding a JPEG "photo.jpg.jpg" — a file saved from the
   * doctor's page must open as what it is, never as a page or a program.
   */
  /** The longest name a file may have (V53's check; the route refuses longer ones as sent). */
  static final int MAX_NAME_LENGTH = 200;

  static String withExtensionOf(String name, String mediaType) {
    String extension = switch (mediaType) {
      case "image/jpeg" -> ".jpg";
      case "image/png" -> ".png";
      default -> ".pdf";
    };
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(extension) || extension.equals(".jpg") && lower.endsWith(".jpeg")) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 && name.length() - dot <= 6 ? name.substring(0, dot) : name;
    // A name is 200 characters at most (V53): a long one without extension is shortened to leave room for it, by whole
    // characters (code points), never a half of an emoji.
    int room = MAX_NAME_LENGTH - extension.length();
    while (stem.length() > room) {
      stem = stem.substring(0, stem.offsetByCodePoints(stem.length(), -1));
    }
    return stem + extension;
  }

  /** A file to send: what it is, and its chunks one at a time ({@code chunk.apply(seq)}; empty when erased meanwhile). */
  public record Download(String name, String mediaType, long size, int chunks, Function<Integer, Future<Optional<Buffer>>> chunk) {}

  /**
   * A nurse of the requesting care home withdraws a file sent into the wrong request (the cards reorder live on a
   * tablet), while it is open. One transaction, the item locked open as an upload locks it: the file's row and its
   * chunks deleted, the timeline line saying which file (its place, type and size, never its name: it may name the
   * other resident), the change's audit line and the event (the item without it); the file taken out of the item's
   * earlier events as well, which a socket resuming from before would replay. No such file (withdrawn already,
   * another request's): 404.
   */
  public Future<Void> withdraw(Principal nurse, UUID id, UUID fileId) {
    Instant now = platform.clock().instant();
    return mayWithdraw(nurse, id).compose(v -> platform.pool().withTransaction(tx -> files.lockOpen(tx, id)
        .compose(open -> open.isPresent() ? files.withdraw(tx, id, fileId)
            : requests.load(id).compose(item -> Future.<Optional<CareFileStore.Stored>>failedFuture(closedToWithdrawal(item))))
        .compose(gone -> gone.isEmpty() ? Future.failedFuture(ApiException.notFound("No such file in this teleconsultation."))
            : events.forgetFile(tx, id, fileId, gone.get().addedAt())
                .compose(forgotten -> requests.recorded(tx, id, nurse, "file_withdrawn", withdrawn(fileId, gone.get()), now,
                    TeleconsultEvents.UPDATED))
                .map(gone.get()))))
        // Once more after the commit: a change of the item written meanwhile by a transaction that did not wait for
        // this one (a guest joining takes no lock on the item's row) may have carried the file in its event.
        .compose(gone -> events.forgetFile(platform.pool(), id, fileId, gone.addedAt())
            .onFailure(e -> LOG.warn("event=file_forget_failed item={} reason=\"{}\"", id, e.getMessage()))
            .otherwiseEmpty())
        .mapEmpty();
  }

  /** The timeline's line of a withdrawal: which file by its place, type and size, never its name. */
  private static JsonObject withdrawn(UUID fileId, CareFileStore.Stored gone) {
    return new JsonObject().put("fileId", fileId.toString()).put("position", gone.position()).put("mediaType", gone.mediaType())
        .put("size", gone.size());
  }

  /** The rule of the upload: a nurse of the requesting organisation (the item's state is checked under its lock). */
  private Future<Void> mayWithdraw(Principal nurse, UUID id) {
    ApiException refused = ApiException.forbidden("Only a nurse of the requesting organisation may withdraw photos and documents.");
    if (!nurse.is(Role.NURSE)) {
      return Future.failedFuture(refused);
    }
    return requests.load(id).compose(item -> TeleconsultRights.isNurseSide(nurse, item) ? Future.succeededFuture()
        : Future.failedFuture(refused));
  }

  private static ApiException closedToWithdrawal(Teleconsultation item) {
    return ApiException.conflict("This teleconsultation is {0}; a photo or document is withdrawn only while the request is "
        + "open. For a closed one, ask Cantou's administrator.", TeleconsultService.status(item));
  }

  /** Whoever may see the item reads its file (the item's own rule), each read audited like a read of the item. */
  public Future<Download> open(Principal p, UUID id, UUID fileId) {
    Instant now = platform.clock().instant();
    return requests.loadVisible(p, id).compose(item -> files.find(platform.pool(), id, fileId)).compose(found -> found.isEmpty()
        ? Future.failedFuture(ApiException.notFound("No such file in this teleconsultation."))
        : accesses.audit(platform.pool(), List.of(id), p, "file", now)
            .map(v -> new Download(found.get().name(), found.get().mediaType(), found.get().size(), found.get().chunks(),
                seq -> files.chunk(platform.pool(), fileId, seq))));
  }
}
