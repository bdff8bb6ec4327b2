package fr.cantou.support;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.EncodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** QR codes for tests: a camera frame showing one (JPEG, or the luma of a Y4M frame), and the reading of an SVG one. */
public final class QrPictures {
  private QrPictures() {}

  /** The QR code of {@code text}, its modules of {@code module} pixels, centred on a white w×h picture: one byte of luma a pixel. */
  public static byte[] luma(String text, int w, int h, int module) {
    BitMatrix matrix;
    try {
      matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(EncodeHintType.MARGIN, 4,
          EncodeHintType.ERROR_CORRECTION, com.google.zxing.qrcode.decoder.ErrorCorrectionLevel.M));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    byte[] y = new byte[w * h];
    java.util.Arrays.fill(y, (byte) 235);
    int size = matrix.getWidth() * module;
    int left = (w - size) / 2;
    int top = (h - size) / 2;
    for (int row = 0; row < size; row++) {
      for (int col = 0; col < size; col++) {
        if (matrix.get(col / module, row / module)) {
          y[(top + row) * w + left + col] = 16;
        }
      }
    }
    return y;
  }

  /** A grey JPEG frame as the kiosk page sends it (480×360), showing {@code text}'s QR code, or nothing when null. */
  public static byte[] frame(String text) {
    int w = 480;
    int h = 360;
    byte[] y = text == null ? blank(w * h) : luma(text, w, h, 8);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, w, h, y);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] blank(int size) {
    byte[] y = new byte[size];
    for (int i = 0; i < size; i++) {
      y[i] = (byte) (120 + (i % 37));
    }
    return y;
  }

  private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-\\d+z");
  private static final Pattern VIEW = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");

  /** The text of an SVG QR code as the server draws it (runs of dark modules), drawn again in pixels and read with ZXing. */
  public static String read(String svg) {
    Matcher view = VIEW.matcher(svg);
    if (!view.find()) {
      throw new AssertionError("no viewBox in " + svg);
    }
    int scale = 6;
    int w = Integer.parseInt(view.group(1)) * scale;
    int h = Integer.parseInt(view.group(2)) * scale;
    int[] pixels = new int[w * h];
    java.util.Arrays.fill(pixels, 0xFFFFFFFF);
    Matcher run = RUN.matcher(svg);
    while (run.find()) {
      int x = Integer.parseInt(run.group(1));
      int y = Integer.parseInt(run.group(2));
      int n = Integer.parseInt(run.group(3));
      for (int row = y * scale; row < (y + 1) * scale; row++) {
        for (int col = x * scale; col < (x + n) * scale; col++) {
          pixels[row * w + col] = 0xFF000000;
        }
      }
    }
    try {
      return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, pixels)))).getText();
    } catch (Exception e) {
      throw new AssertionError("no QR code read in the SVG", e);
    }
  }
}
