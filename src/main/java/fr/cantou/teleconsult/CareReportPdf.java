package fr.cantou.teleconsult;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import fr.cantou.platform.text.DateWords;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * The report of a closed request as one PDF, in French, to file in the resident's record (issue
 * 16, item 5): who asked and who answered, when; the resident, the reason, the vital signs, the
 * photos as thumbnails, the documents named, the written exchange, the doctor's report or opinion
 * and its outcome. Once the patient data is erased, it says so instead. Blocking (PDFBox writes a
 * file): made on a worker. The font is Liberation Sans, shipped inside PDFBox under the SIL Open
 * Font License 1.1, embedded as a subset: accents, « », œ and ’ print as typed.
 */
final class CareReportPdf {
  private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
  private static final float MARGIN = 50;
  private static final float BODY = 10.5f;
  private static final float LEADING = 1.35f;
  private static final float THUMB_BOX = 230;
  static final Map<String, String> OUTCOMES = Map.of(
      "advice_given", "Conseils donnés",
      "prescription_sent", "Ordonnance envoyée",
      "referral", "Orientation vers un spécialiste",
      "emergency_transfer", "Transfert aux urgences",
      "follow_up", "Suivi programmé",
      "other", "Autre");

  /** A photo's thumbnail (JPEG bytes; null when it could not be read or was erased meanwhile) and its line. */
  record Thumbnail(Teleconsultation.CareFile file, byte[] jpeg) {}

  /** What goes in beside the item: its specialty's name, the thumbnails, when it is made, in which time zone. */
  record Contents(Teleconsultation item, String specialtyLabel, List<Thumbnail> photos, Instant madeAt, ZoneId zone) {}

  private CareReportPdf() {}

  /** The short number of a request, printed on it and in its file's name: the first 8 characters of its id. */
  static String number(Teleconsultation item) {
    return item.id().substring(0, 8).toUpperCase(Locale.ROOT);
  }

  static void write(Contents contents, Path target) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDFont font;
      try (InputStream in = CareReportPdf.class.getResourceAsStream(FONT)) {
        if (in == null) {
          throw new IOException("the font " + FONT + " is not on the class path");
        }
        font = PDType0Font.load(doc, in, true);
      }
      Teleconsultation item = contents.item();
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle("Compte rendu Cantou n° " + number(item));
      info.setCreator("Cantou");
      Calendar made = new GregorianCalendar(TimeZone.getTimeZone(contents.zone()));
      made.setTimeInMillis(contents.madeAt().toEpochMilli());
      info.setCreationDate(made);
      doc.getDocumentCatalog().setLanguage("fr-FR");
      Layout out = new Layout(doc, font, contents.zone());
      try {
        new Report(out, contents).write();
      } finally {
        out.close();
      }
      out.footers("Cantou · compte rendu de la demande n° " + number(item));
      doc.save(target.toFile());
    }
  }

  /** The sections, in the order a doctor or a nurse reads them. */
  private record Report(Layout out, Contents contents) {
    void write() throws IOException {
      Teleconsultation item = contents.item();
      boolean opinion = TeleconsultService.KIND_OPINION.equals(item.kind());
      out.title(opinion ? "Compte rendu de téléexpertise (avis écrit)" : "Compte rendu de téléconsultation");
      out.line("Demande n° " + number(item) + " · document établi le " + out.when(contents.madeAt()), 9, true);
      out.gap();

      out.heading("Qui et quand");
      out.field("Établissement demandeur", item.organisationName()
          + (item.organisationPhone() == null ? "" : " (tél. " + item.organisationPhone() + ")"));
      out.field("Infirmière", item.nurseName());
      out.field("Demande faite le", out.when(item.createdAt()) + ("urgent".equals(item.urgency()) ? ", urgente" : ""));
      out.field("Spécialité", contents.specialtyLabel());
      out.field("Médecin", item.doctorName());
      out.field("Prise en charge le", out.when(item.assignedAt()));
      out.field("Close le", out.when(item.completedAt()));
      out.gap();

      if (item.erasedAt() != null) {
        out.heading("Données de santé effacées");
        out.paragraph("Les données de santé de cette demande (résident, motif, constantes, photos et documents, échanges, "
            + "avis du médecin) ont été effacées le " + out.when(item.erasedAt()) + ", au terme de leur durée de "
            + "conservation ou à la demande de la personne. Ce document ne garde que qui a demandé, qui a répondu, et quand.");
        return;
      }
      resident(item);
      vitalSigns(item);
      photos();
      documents(item);
      exchange(item);
      out.heading(opinion ? "Avis du médecin" : "Compte rendu du médecin");
      out.paragraph(item.report());
      out.field("Conclusion", OUTCOMES.getOrDefault(item.outcome(), item.outcome()));
    }

    private void resident(Teleconsultation item) throws IOException {
      out.heading("Résident");
      Teleconsultation.Patient patient = item.patient();
      if (patient != null) {
        List<String> who = new ArrayList<>();
        who.add("référence " + patient.reference());
        if (patient.initials() != null) {
          who.add("initiales " + patient.initials());
        }
        if (patient.birthYear() != null) {
          who.add("né(e) en " + patient.birthYear());
        }
        out.paragraph(capitalized(String.join(" · ", who)));
      }
      if (item.consent() != null && item.consent().given()) {
        out.field("Consentement", "donné par " + ("legal_representative".equals(item.consent().by())
            ? "son représentant légal" : "le résident") + (item.consent().at() == null ? "" : ", le " + out.when(item.consent().at())));
      }
      out.field("Motif", item.reason());
      out.gap();
    }

    private void vitalSigns(Teleconsultation item) throws IOException {
      List<VitalSigns> sets = item.vitalSigns() == null ? List.of() : item.vitalSigns();
      if (sets.isEmpty()) {
        return;
      }
      out.heading("Constantes");
      for (VitalSigns set : sets) {
        List<String> measures = new ArrayList<>();
        if (set.bloodPressure() != null) {
          measures.add("tension " + set.bloodPressure().systolic() + "/" + set.bloodPressure().diastolic() + " mmHg");
        }
        if (set.pulse() != null) {
          measures.add("pouls " + set.pulse() + " /min");
        }
        if (set.temperature() != null) {
          measures.add("température " + decimal(set.temperature()) + " °C");
        }
        if (set.spo2() != null) {
          measures.add("SpO2 " + set.spo2() + " %");
        }
        if (set.glycaemia() != null) {
          measures.add("glycémie capillaire " + decimal(set.glycaemia()) + " g/L");
        }
        if (set.weight() != null) {
          measures.add("poids " + decimal(set.weight()) + " kg");
        }
        if (set.pain() != null) {
          measures.add("douleur " + set.pain() + "/10");
        }
        out.field("Mesurées le " + out.when(set.measuredAt()), String.join(" · ", measures)
            + (set.recordedByName() == null ? "" : " (saisies par " + set.recordedByName() + ")"));
      }
      out.gap();
    }

    private void photos() throws IOException {
      List<Thumbnail> photos = contents.photos();
      if (photos.isEmpty()) {
        return;
      }
      out.heading("Photos (" + photos.size() + ")");
      out.thumbnails(photos);
      out.gap();
    }

    private void documents(Teleconsultation item) throws IOException {
      List<Teleconsultation.CareFile> documents = item.files() == null ? List.of()
          : item.files().stream().filter(f -> !f.mediaType().startsWith("image/")).toList();
      if (documents.isEmpty()) {
        return;
      }
      out.heading("Documents joints (dans Cantou, non reproduits ici)");
      for (Teleconsultation.CareFile file : documents) {
        out.paragraph("Document " + file.position() + " : " + file.name() + " (PDF, " + Math.max(1, file.size() / 1024)
            + " Ko), ajouté le " + out.when(file.addedAt()) + " par " + by(file));
      }
      out.gap();
    }

    private void exchange(Teleconsultation item) throws IOException {
      List<Teleconsultation.Message> messages = item.messages() == null ? List.of() : item.messages();
      if (messages.isEmpty()) {
        return;
      }
      out.heading("Échanges écrits");
      for (Teleconsultation.Message message : messages) {
        out.field(out.when(message.at()) + ", " + message.authorName() + " (" + ("doctor".equals(message.side())
            ? "médecin" : "infirmière") + ")", message.text());
      }
      out.gap();
    }
  }

  static String by(Teleconsultation.CareFile file) {
    return ("doctor".equals(file.addedBy()) ? "le médecin" : "l'infirmière")
        + (file.addedByName() == null ? "" : " " + file.addedByName());
  }

  private static String decimal(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString().replace('.', ',');
  }

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** Lines and pictures down A4 pages, a new page when one is full; what the font cannot draw is written "?". */
  private static final class Layout {
    private final PDDocument doc;
    private final PDFont font;
    private final ZoneId zone;
    private final Map<Integer, Boolean> drawable = new HashMap<>();
    private PDPageContentStream stream;
    private float y;

    Layout(PDDocument doc, PDFont font, ZoneId zone) {
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
    void thumbnails(List<Thumbnail> photos) throws IOException {
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
    private float thumbnail(Thumbnail photo, float x, float top, float box, float column) throws IOException {
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
          + when(file.addedAt()) + " par " + by(file);
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
}
