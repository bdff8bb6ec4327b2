package fr.cantou.platform.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link PdfChecker} in a child JVM of its own ({@link PdfCheckProcess}), with a small heap, a
 * small stack and a deadline: PDFBox cannot be told to stop, and a few kilobytes of crafted PDF
 * kept a node's workers for minutes and took its heap (docs/security.md). The child's output
 * (PDFBox's warnings, a million lines for such a file) is dropped; its temporary files go with a
 * folder of its own, deleted once it has ended however it ended. Only starting the process
 * blocks (a worker); waiting for it does not hold any thread.
 */
public final class IsolatedPdfCheck {
  /** The child's heap: a real 10 MB document is walked (pages, not images) in a few MB. */
  static final String HEAP = "-Xmx128m";
  /** Past this the child is killed and the document refused: real ones take well under a second once the JVM is up. */
  static final long DEADLINE_MS = 20_000;

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final String classPath = classPath();

  public IsolatedPdfCheck(Vertx vertx, WorkerExecutor workers) {
    this.vertx = vertx;
    this.workers = workers;
  }

  /** Succeeds when the file is a whole PDF that opens without a password and has a page; else fails with {@link PdfChecker.Refused}. */
  public Future<Void> check(Path file) {
    return workers.executeBlocking(() -> start(file), false).compose(started -> {
      AtomicBoolean late = new AtomicBoolean();
      long timer = vertx.setTimer(DEADLINE_MS, t -> {
        late.set(true);
        started.process().destroyForcibly();
      });
      return Future.fromCompletionStage(started.process().onExit(), vertx.getOrCreateContext())
          .eventually(() -> {
            vertx.cancelTimer(timer);
            return vertx.fileSystem().deleteRecursive(started.scratch().toString()).recover(e -> Future.succeededFuture());
          })
          .compose(ended -> verdict(late.get() ? -1 : ended.exitValue()));
    });
  }

  private record Started(Process process, Path scratch) {}

  private Started start(Path file) throws IOException {
    Path scratch = Files.createTempDirectory("cantou-pdf-check");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, HEAP, "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto", "-Djava.awt.headless=true", "-Djava.io.tmpdir=" + scratch,
        "-cp", classPath, PdfCheckProcess.class.getName(), file.toAbsolutePath().toString()));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return new Started(process, scratch);
    } catch (IOException e) {
      Files.deleteIfExists(scratch);
      throw e;
    }
  }

  private static Future<Void> verdict(int status) {
    return switch (status) {
      case PdfCheckProcess.WHOLE -> Future.succeededFuture();
      case PdfCheckProcess.ENCRYPTED -> Future.failedFuture(new PdfChecker.Refused(PdfChecker.Refusal.ENCRYPTED, "needs a password"));
      case PdfCheckProcess.NO_PAGE -> Future.failedFuture(new PdfChecker.Refused(PdfChecker.Refusal.NO_PAGE, "no page"));
      // Refused by the parser, out of memory or of stack, or too slow: not a document to keep.
      default -> Future.failedFuture(new PdfChecker.Refused(PdfChecker.Refusal.UNREADABLE, "exit status " + status));
    };
  }

  /**
   * The child needs this package and PDFBox (with its I/O part, FontBox and the logging it calls):
   * where each was loaded from — the node's jar alone once shaded, the build's folders and
   * repository jars under Maven.
   */
  private static String classPath() {
    Set<String> places = new LinkedHashSet<>();
    for (Class<?> needed : List.of(PdfCheckProcess.class, org.apache.pdfbox.Loader.class,
        org.apache.pdfbox.io.RandomAccessRead.class, org.apache.fontbox.FontBoxFont.class,
        org.apache.commons.logging.LogFactory.class)) {
      try {
        places.add(Path.of(needed.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("cannot find where " + needed.getName() + " was loaded from", e);
      }
    }
    return String.join(File.pathSeparator, places);
  }
}
