package fr.cantou.teleconsult;

import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Files made by the tests themselves, with the libraries (never a binary from elsewhere): a photo
 * as a tablet takes it (a JPEG with EXIF: GPS position, device, orientation), a PNG, a PDF.
 */
public final class CareFiles {
  private CareFiles() {}

  /** A picture {@code width × height}: red on its left half, blue on its right (to see which way it was turned). */
  public static BufferedImage picture(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(Color.BLUE);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
    return image;
  }

  public static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A JPEG as a tablet's camera writes it: EXIF with the GPS position of the care home (Murat,
   * 45.11 N 2.87 E), the device's make and model, and an orientation ({@code 6}: turned a quarter
   * clockwise to be upright).
   */
  public static byte[] photoWithGps(int width, int height, int orientation) {
    try {
      TiffOutputSet exif = new TiffOutputSet();
      exif.setGpsInDegrees(2.8667, 45.1100);
      TiffOutputDirectory root = exif.getOrCreateRootDirectory();
      root.add(TiffTagConstants.TIFF_TAG_MAKE, "Tablette");
      root.add(TiffTagConstants.TIFF_TAG_MODEL, "Modèle T-42 de l'EHPAD");
      root.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new ExifRewriter().updateExifMetadataLossless(encode(picture(width, height), "jpeg"), out, exif);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A PNG with a text chunk (tEXt) holding where it was taken, as some apps write it. */
  public static byte[] pngWithText(int width, int height, String keyword, String value) {
    try {
      javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
      BufferedImage image = picture(width, height);
      javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
      javax.imageio.metadata.IIOMetadata metadata = writer.getDefaultImageMetadata(
          javax.imageio.ImageTypeSpecifier.createFromRenderedImage(image), param);
      javax.imageio.metadata.IIOMetadataNode entry = new javax.imageio.metadata.IIOMetadataNode("tEXtEntry");
      entry.setAttribute("keyword", keyword);
      entry.setAttribute("value", value);
      javax.imageio.metadata.IIOMetadataNode text = new javax.imageio.metadata.IIOMetadataNode("tEXt");
      text.appendChild(entry);
      javax.imageio.metadata.IIOMetadataNode root = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_png_1.0");
      root.appendChild(text);
      metadata.mergeTree("javax_imageio_png_1.0", root);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
        writer.setOutput(stream);
        writer.write(null, new javax.imageio.IIOImage(image, null, metadata), param);
      }
      writer.dispose();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small, valid PDF of one blank page, padded with comment lines up to about {@code size} bytes. */
  public static byte[] pdf(int size) {
    StringBuilder body = new StringBuilder("%PDF-1.4\n");
    String[] parts = {
        "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n",
        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"};
    int[] offsets = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      offsets[i] = body.length();
      body.append(parts[i]);
    }
    while (body.length() < size - 200) {
      body.append("% ECG du résident, compte rendu de biologie : ligne de remplissage\n");
    }
    int xref = body.length();
    body.append("xref\n0 4\n0000000000 65535 f \n");
    for (int offset : offsets) {
      body.append(String.format("%010d 00000 n \n", offset));
    }
    body.append("trailer << /Size 4 /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
    return body.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * A PDF as an office program writes one: {@code pages} pages of text, written by PDFBox without
   * compression (its objects in the clear, so that half of it still holds the first pages whole),
   * optionally protected by a password to open it.
   */
  /**
   * A one-page PDF whose compressed cross-reference stream names {@code objects} objects, all
   * pointing at its page: a few kilobytes that a parser expands into as many entries.
   */
  public static byte[] crossReferenceBomb(int objects) {
    java.io.ByteArrayOutputStream pdf = new java.io.ByteArrayOutputStream();
    java.util.function.Consumer<String> write = text -> pdf.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    write.accept("%PDF-1.5\n");
    int[] offsets = new int[5];
    String[] bodies = {null, "<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>"};
    for (int i = 1; i <= 3; i++) {
      offsets[i] = pdf.size();
      write.accept(i + " 0 obj\n" + bodies[i] + "\nendobj\n");
    }
    offsets[4] = pdf.size();
    java.io.ByteArrayOutputStream entries = new java.io.ByteArrayOutputStream();
    try (var deflated = new java.util.zip.DeflaterOutputStream(entries, new java.util.zip.Deflater(9))) {
      java.nio.ByteBuffer entry = java.nio.ByteBuffer.allocate(7);
      for (int n = 0; n < objects; n++) {
        int type = n == 0 ? 0 : 1;
        int offset = n == 0 ? 0 : n <= 4 ? offsets[n] : offsets[3];
        entry.clear();
        entry.put((byte) type).putInt(offset).putShort((short) (n == 0 ? 65535 : 0));
        deflated.write(entry.array());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] stream = entries.toByteArray();
    write.accept("4 0 obj\n<</Type/XRef/Size " + objects + "/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length " + stream.length
        + ">>\nstream\n");
    pdf.writeBytes(stream);
    write.accept("\nendstream\nendobj\nstartxref\n" + offsets[4] + "\n%%EOF\n");
    return pdf.toByteArray();
  }

  public static byte[] writtenPdf(int pages, String password) {
    try (org.apache.pdfbox.pdmodel.PDDocument document = new org.apache.pdfbox.pdmodel.PDDocument()) {
      var font = new org.apache.pdfbox.pdmodel.font.PDType1Font(org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA);
      for (int i = 1; i <= pages; i++) {
        org.apache.pdfbox.pdmodel.PDPage page = new org.apache.pdfbox.pdmodel.PDPage();
        document.addPage(page);
        try (var text = new org.apache.pdfbox.pdmodel.PDPageContentStream(document, page)) {
          text.beginText();
          text.setFont(font, 12);
          text.newLineAtOffset(72, 700);
          text.showText("Bilan biologique, page " + i + " : hemoglobine 12,8 g/dL, CRP 4 mg/L");
          text.endText();
        }
      }
      if (password != null) {
        document.protect(new org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy(password + "-owner", password,
            new org.apache.pdfbox.pdmodel.encryption.AccessPermission()));
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      document.save(out, org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of a PDF (a report), its white space made single spaces: what a reader sees, line breaks aside. */
  public static String textOf(org.apache.pdfbox.pdmodel.PDDocument pdf) throws IOException {
    return new org.apache.pdfbox.text.PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
  }

  /** The pictures drawn on a PDF's pages. */
  public static int imagesIn(org.apache.pdfbox.pdmodel.PDDocument pdf) throws IOException {
    int n = 0;
    for (org.apache.pdfbox.pdmodel.PDPage page : pdf.getPages()) {
      for (org.apache.pdfbox.cos.COSName name : page.getResources().getXObjectNames()) {
        if (page.getResources().getXObject(name) instanceof org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject) {
          n++;
        }
      }
    }
    return n;
  }

  private static final java.net.http.HttpClient HTTP1 = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(5)).build();

  /** A file of a request read with this token, over HTTP/1.1 (its headers as a browser gets them). */
  public static java.net.http.HttpResponse<byte[]> download(fr.cantou.support.TestNode node,
                                                            io.vertx.core.json.JsonObject item, String fileId, String token) {
    try {
      return HTTP1.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.api.base() + "/api/teleconsultations/"
              + item.getString("id") + "/files/" + fileId)).header("Authorization", "Bearer " + token).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The files and chunks a request holds in the database. */
  public static long[] held(fr.cantou.support.TestNode node, io.vertx.core.json.JsonObject item) {
    return fr.cantou.support.TestNode.await(new CareFileStore().held(node.node().platform().pool(),
        java.util.UUID.fromString(item.getString("id"))));
  }
}
