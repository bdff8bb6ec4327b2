package fr.cantou.teleconsult;

import fr.cantou.platform.text.DateWords;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@link CareReportPdf} is drawn: lines and pictures down A4 pages, a new page when one is full;
 * what the font cannot draw is written "?"; numbered footers once every page is written.
 */
final class PdfLayout {
  static final float MARGIN = 50;
  static final float BODY = 10.5f;
  static final float LEADING = 1.35f;
  static final float THUMB_BOX = 230;

  private final PDDocument doc;
  private final PDFont font;
  private final ZoneId zone;
  private final Map<Integer, Boolean> drawable = new HashMap<>();
  private PDPageContentStream stream;
  private float y;

  PdfLayout(PDDocument doc, PDFont font, ZoneId zone) {
    this.doc = doc;
    this.font = font;
    this.zone = zone;
  }

  String when(Instant at) {
    // Written as the pages write it: "2 décembre 2026 à 16 h 30".
    return at == null ? "—" : DateWords.dateAndTime(at.atZone(zone), Locale.FRENCH);
  }

  private float width() {
    return PDRectangle.A4.getWidth() - 2 * MARGIN;
  }

  private void room(float needed) throws IOException {
    if (stream != null && y - needed >= MARGIN + 20) {
      return;
    }
    close();
    PDPage page = new PDPage(PDRectangle.A4);
    doc.addPage(page);
    stream = new PDPageContentStream(doc, page);
    y = PDRectangle.A4.getHeight() - MARGIN;
  }

  void close() throws IOException {
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  void title(String text) throws IOException {
    line(text, 17, false);
  }

  void heading(String text) throws IOException {
    room(BODY * 5);
    line(text, 13, false);
    y -= 4;
  }

  void gap() {
    y -= BODY * 0.6f;
  }

  void field(String label, String value) throws IOException {
    paragraph(label + " : " + (value == null || value.isBlank() ? "—" : value));
  }

  void paragraph(String text) throws IOException {
    if (text == null) {
      return;
    }
    for (String line : text.strip().split("\\R")) {
      for (String wrapped : wrap(printable(line), BODY, width())) {
        line(wrapped, BODY, false);
      }
    }
  }

  /** One line of text at {@code size}; {@code muted} in grey. */
  void line(String text, float size, boolean muted) throws IOException {
    room(size * LEADING);
    y -= size * LEADING;
    stream.beginText();
    stream.setNonStrokingColor(muted ? 0.35f : 0f);
    stream.setFont(font, size);
    stream.newLineAtOffset(MARGIN, y);
    stream.showText(printable(text));
    stream.endText();
  }

  /**
   * How many first characters of {@code word} fit in {@code within} points (at least 1), by halving: a cut tried one
   * character at a time, each measured from the start, cost the cube of the word's length (a 4,000-character word
   * took a worker 15 s, found by the outside review).
   */
  private int longestFitting(String word, float size, float within) throws IOException {
    int fits = 1;
    int tooLong = word.length();
    while (tooLong - fits > 1) {
      int middle = (fits + tooLong) >>> 1;
      if (textWidth(word.substring(0, middle), size) <= within) {
        fits = middle;
      } else {
        tooLong = middle;
      }
    }
    return fits;
  }

  /** The words of {@code text} in lines of at most {@code within} points (a word longer than a line is cut). */
  private List<String> wrap(String text, float size, float within) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String word : text.split(" ")) {
      String tried = current.isEmpty() ? word : current + " " + word;
      if (textWidth(tried, size) <= within) {
        current.setLength(0);
        current.append(tried);
        continue;
      }
      if (!current.isEmpty()) {
        lines.add(current.toString());
        current.setLength(0);
      }
      while (word.length() > 1 && textWidth(word, size) > within) {
        int cut = longestFitting(word, size, within);
        lines.add(word.substring(0, cut));
        word = word.substring(cut);
      }
      current.append(word);
    }
    lines.add(current.toString());
    return lines;
  }

  private float textWidth(String text, float size) throws IOException {
    return font.getStringWidth(text) / 1000 * size;
  }

  /** The text with each character the font has no glyph for (an emoji, a control character) as "?". */
  private String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.replace('\t', ' ').codePoints().forEach(c -> {
      boolean ok = drawable.computeIfAbsent(c, this::hasGlyph);
      out.append(ok ? Character.toString(c) : "?");
    });
    return out.toString();
  }

  private boolean hasGlyph(int codePoint) {
    if (Character.isISOControl(codePoint)) {
      return false;
    }
    try {
      font.encode(Character.toString(codePoint));
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The photos two a row, each fitted in a square box, with its line under it. */
  void thumbnails(List<CareReportPdf.Thumbnail> photos) throws IOException {
    float column = (width() - 20) / 2;
    float box = Math.min(THUMB_BOX, column);
    for (int i = 0; i < photos.size(); i += 2) {
      room(box + BODY * LEADING * 3);
      float top = y;
      float lowest = y;
      for (int j = i; j < Math.min(i + 2, photos.size()); j++) {
        lowest = Math.min(lowest, thumbnail(photos.get(j), MARGIN + (j - i) * (column + 20), top, box, column));
      }
      y = lowest - BODY * 0.6f;
    }
  }

  /** One photo at (x, top); returns where its caption ends. */
  private float thumbnail(CareReportPdf.Thumbnail photo, float x, float top, float box, float column) throws IOException {
    float bottom = top;
    if (photo.jpeg() != null) {
      PDImageXObject image = JPEGFactory.createFromByteArray(doc, photo.jpeg());
      float scale = Math.min(box / image.getWidth(), box / image.getHeight());
      float w = image.getWidth() * scale;
      float h = image.getHeight() * scale;
      stream.drawImage(image, x, top - h, w, h);
      bottom = top - h;
    }
    Teleconsultation.CareFile file = photo.file();
    String caption = "Photo " + file.position() + (photo.jpeg() == null ? " (illisible)" : "") + ", ajoutée le "
        + when(file.addedAt()) + " par " + CareReportPdf.by(file);
    float size = 8.5f;
    for (String wrapped : wrap(printable(caption), size, column)) {
      bottom -= size * LEADING;
      stream.beginText();
      stream.setNonStrokingColor(0.35f);
      stream.setFont(font, size);
      stream.newLineAtOffset(x, bottom);
      stream.showText(wrapped);
      stream.endText();
    }
    return bottom;
  }

  /** "page i/n" at the foot of every page, once all are laid out. */
  void footers(String text) throws IOException {
    int count = doc.getNumberOfPages();
    for (int i = 0; i < count; i++) {
      PDPage page = doc.getPage(i);
      try (PDPageContentStream foot = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND, true)) {
        foot.beginText();
        foot.setNonStrokingColor(0.35f);
        foot.setFont(font, 8);
        foot.newLineAtOffset(MARGIN, MARGIN / 2);
        foot.showText(printable(text + " · page " + (i + 1) + "/" + count));
        foot.endText();
      }
    }
  }
}
