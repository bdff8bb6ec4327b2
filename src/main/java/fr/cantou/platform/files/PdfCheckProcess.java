package fr.cantou.platform.files;

/**
 * The child process of {@link IsolatedPdfCheck}: checks one file with {@link PdfChecker} and says
 * how by its exit status. Run in a JVM of its own, so that a document made to exhaust the parser
 * (a cross-reference stream naming millions of objects, a compression bomb, a page tree thousands
 * deep) costs that JVM its small heap or its stack, never the node's.
 */
public final class PdfCheckProcess {
  static final int WHOLE = 0;
  static final int UNREADABLE = 10;
  static final int ENCRYPTED = 11;
  static final int NO_PAGE = 12;

  private PdfCheckProcess() {}

  public static void main(String[] args) {
    int status;
    try {
      PdfChecker.check(java.nio.file.Path.of(args[0]));
      status = WHOLE;
    } catch (PdfChecker.Refused e) {
      status = switch (e.why()) {
        case ENCRYPTED -> ENCRYPTED;
        case NO_PAGE -> NO_PAGE;
        case UNREADABLE -> UNREADABLE;
      };
    } catch (Throwable e) {
      // An I/O error, a StackOverflowError of a page tree too deep: unreadable all the same.
      status = UNREADABLE;
    }
    Runtime.getRuntime().halt(status);
  }
}
