package fr.cantou.platform.files;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A document that starts like a PDF, judged as a PDF: it must end as one ({@code %%EOF} in its
 * last 1,024 bytes, where viewers look for it: a document cut short has none), parse with Apache
 * PDFBox (its cross-reference table or stream, its trailer, its catalogue and page tree), open
 * without a password, and have at least one page. One encrypted only to forbid changes or
 * printing (an empty password opens it, as many laboratories send them) passes: every viewer
 * opens it. The file is read through PDFBox's buffered file reader
 * (pages of it, never the whole file in the heap) and any stream PDFBox must hold goes to a
 * temporary file. Blocking (it reads the file, and parsing can take a second on 10 MB of noise):
 * call it on a worker.
 */
public final class PdfChecker {
  /** Where viewers look for the end marker (Adobe's implementation note: the last 1,024 bytes). */
  private static final int EOF_RANGE = 1024;

  private PdfChecker() {}

  /** Why a document is refused. */
  public enum Refusal { UNREADABLE, ENCRYPTED, NO_PAGE }

  /** A document refused, and why. */
  public static final class Refused extends Exception {
    private final Refusal why;

    Refused(Refusal why, String message) {
      super(message, null, false, false);
      this.why = why;
    }

    public Refusal why() {
      return why;
    }
  }

  /** Returns when {@code file} is a whole PDF of at least one page that opens without a password; throws {@link Refused} otherwise. */
  public static void check(Path file) throws IOException, Refused {
    if (!endsAsAPdf(file)) {
      throw new Refused(Refusal.UNREADABLE, "no %%EOF in the last " + EOF_RANGE + " bytes");
    }
    // The source in a resource of its own: PDFBox closes it with the document, not when the parse fails before one exists.
    try (RandomAccessReadBufferedFile source = new RandomAccessReadBufferedFile(file.toFile());
         PDDocument document = Loader.loadPDF(source, "", null, null, IOUtils.createTempFileOnlyStreamCache())) {
      int pages = 0;
      for (PDPage page : document.getPages()) {
        // Walking the page tree reads each page's dictionary: a tree that points nowhere fails here.
        page.getMediaBox();
        pages++;
      }
      if (pages == 0) {
        throw new Refused(Refusal.NO_PAGE, "no page");
      }
    } catch (InvalidPasswordException e) {
      throw new Refused(Refusal.ENCRYPTED, "needs a password");
    } catch (IOException | RuntimeException e) {
      // PDFBox reports a broken document as an IOException, and sometimes as a runtime exception of its parser.
      throw new Refused(Refusal.UNREADABLE, String.valueOf(e.getMessage()));
    }
  }

  private static boolean endsAsAPdf(Path file) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int n = (int) Math.min(EOF_RANGE, length);
      byte[] tail = new byte[n];
      in.seek(length - n);
      in.readFully(tail);
      return new String(tail, StandardCharsets.ISO_8859_1).contains("%%EOF");
    }
  }
}
