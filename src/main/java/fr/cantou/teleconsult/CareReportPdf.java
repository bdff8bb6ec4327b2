package fr.cantou.teleconsult;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
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
 * Font License 1.1, embedded as a subset: accents, « », œ and ’ print as typed. What it says is
 * here; how it is drawn on the pages is {@link PdfLayout}'s.
 */
final class CareReportPdf {
  private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
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
      PdfLayout out = new PdfLayout(doc, font, contents.zone());
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
  private record Report(PdfLayout out, Contents contents) {
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
}
