package fr.cantou.visio;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The QR code of an appointment: it carries her reference and nothing else (never the manage
 * token, never a link), drawn as SVG for her confirmation; and read back from a camera frame a
 * point's screen sends when its browser cannot read it itself. Both are plain computations, the
 * reading a blocking one: a worker's work, never an event loop's.
 */
final class QrCodes {
  /** A frame larger than this (declared in its header, checked before its pixels are decoded) is refused unread. */
  static final int LARGEST_SIDE = 1920;

  private QrCodes() {}

  /** The reference as an SVG QR code (error correction M, its quiet zone of 4 modules), black on white, crisp edges. */
  static String svg(String reference) {
    BitMatrix matrix;
    try {
      matrix = new QRCodeWriter().encode(reference, BarcodeFormat.QR_CODE, 0, 0,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
    } catch (WriterException e) {
      throw new IllegalArgumentException("a reference too long for a QR code", e);
    }
    int width = matrix.getWidth();
    int height = matrix.getHeight();
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < height; y++) {
      int x = 0;
      while (x < width) {
        if (!matrix.get(x, y)) {
          x++;
          continue;
        }
        int run = x;
        while (run < width && matrix.get(run, y)) {
          run++;
        }
        path.append('M').append(x).append(' ').append(y).append('h').append(run - x).append("v1h-").append(run - x).append('z');
        x = run;
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + width + " " + height
        + "\" shape-rendering=\"crispEdges\"><rect width=\"" + width + "\" height=\"" + height + "\" fill=\"#fff\"/>"
        + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
  }

  /**
   * The text of the QR code seen in a JPEG or PNG frame, or empty: no code in it, or not an image
   * that can be read, or one larger than {@link #LARGEST_SIDE} on a side. Blocking: on a worker.
   */
  static Optional<String> read(byte[] frame) {
    BufferedImage image;
    try {
      image = image(frame);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (image == null) {
      return Optional.empty();
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
    BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, pixels)));
    try {
      return Optional.of(new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText());
    } catch (NotFoundException | ChecksumException | FormatException e) {
      return Optional.empty();
    }
  }

  private static BufferedImage image(byte[] frame) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(frame))) {
      if (in == null) {
        return null;
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        // Its size first: a few kilobytes may declare a picture of gigabytes.
        if (reader.getWidth(0) > LARGEST_SIDE || reader.getHeight(0) > LARGEST_SIDE) {
          return null;
        }
        return reader.read(0);
      } catch (UncheckedIOException e) {
        return null;
      } finally {
        reader.dispose();
      }
    }
  }
}
