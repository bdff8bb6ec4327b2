package fr.cantou.platform.files;

import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.common.ImageMetadata;
import org.apache.commons.imaging.formats.jpeg.JpegImageMetadata;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A photo written again from its pixels alone: whatever its file held besides them — EXIF (GPS
 * position, device, date, owner), XMP, IPTC, comments, thumbnails, a second picture after the
 * first — is not in the new file, by construction. A JPEG is turned as its EXIF orientation said
 * (that tag goes too), so it shows upright everywhere, and encoded again at a high quality; a PNG
 * stays lossless. Pictures of more than {@code maxPixels} are refused before they are decoded (a
 * small file can unpack into gigabytes). Blocking and memory-hungry (the pixels of one picture):
 * call it on a bounded worker pool.
 */
public final class ImageRewriter {
  /** JPEG quality of the written picture: visually lossless, for a doctor judging a wound. */
  private static final float JPEG_QUALITY = 0.92f;

  private ImageRewriter() {}

  /** The file is not a picture this can read (damaged, truncated, a colour model ImageIO does not decode). */
  public static final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /** A picture with more pixels than allowed. */
  public static final class TooLarge extends Exception {
    TooLarge(long pixels) {
      super("picture of " + pixels + " pixels", null, false, false);
    }
  }

  /** Writes {@code source} ({@code image/jpeg} or {@code image/png}) to {@code target} without its metadata. */
  public static void rewrite(Path source, String mediaType, Path target, long maxPixels)
      throws IOException, Unreadable, TooLarge {
    String format = "image/png".equals(mediaType) ? "png" : "jpeg";
    BufferedImage picture = read(source, format, maxPixels);
    if ("jpeg".equals(format)) {
      picture = upright(opaque(picture), orientation(source));
    }
    write(picture, format, target);
  }

  /**
   * A small copy of a stored photo ({@code image/jpeg} or {@code image/png}, already upright and
   * without metadata): a JPEG whose longer side is at most {@code maxSide} pixels. The picture is
   * decoded one pixel in every few (subsampled), so a photo of 40 million pixels never unpacks
   * whole for a thumbnail.
   */
  public static byte[] thumbnail(Path source, String mediaType, int maxSide, long maxPixels)
      throws IOException, Unreadable, TooLarge {
    BufferedImage picture = opaque(read(source, "image/png".equals(mediaType) ? "png" : "jpeg", maxPixels, maxSide));
    double scale = Math.min(1.0, (double) maxSide / Math.max(picture.getWidth(), picture.getHeight()));
    int w = Math.max(1, (int) Math.round(picture.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(picture.getHeight() * scale));
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(picture, 0, 0, w, h, Color.WHITE, null);
    g.dispose();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.85f);
      writer.write(null, new IIOImage(small, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static BufferedImage read(Path source, String format, long maxPixels) throws IOException, Unreadable, TooLarge {
    return read(source, format, maxPixels, 0);
  }

  /** The picture's pixels; with {@code aimSide} above 0, one in every n kept (n such that its longer side stays at least that). */
  private static BufferedImage read(Path source, String format, long maxPixels, int aimSide)
      throws IOException, Unreadable, TooLarge {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new Unreadable("no reader for " + format);
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
      // Metadata ignored: only the pixels are read.
      reader.setInput(in, true, true);
      long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
      if (pixels > maxPixels) {
        throw new TooLarge(pixels);
      }
      int step = aimSide <= 0 ? 1 : Math.max(1, Math.max(reader.getWidth(0), reader.getHeight(0)) / aimSide);
      javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      return reader.read(0, param);
    } catch (javax.imageio.IIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new Unreadable(String.valueOf(e.getMessage()));
    } finally {
      reader.dispose();
    }
  }

  /** The EXIF orientation (1 to 8) of a JPEG; 1 (as stored) when it has none or it cannot be read. */
  static int orientation(Path jpeg) {
    try {
      ImageMetadata metadata = Imaging.getMetadata(jpeg.toFile());
      if (metadata instanceof JpegImageMetadata exif) {
        TiffField field = exif.findExifValueWithExactMatch(TiffTagConstants.TIFF_TAG_ORIENTATION);
        int value = field == null ? 1 : field.getIntValue();
        return value >= 1 && value <= 8 ? value : 1;
      }
    } catch (IOException | RuntimeException e) {
      // Damaged metadata: the pixels as stored.
    }
    return 1;
  }

  /** JPEG has no alpha: a picture with one (or an unusual layout) is drawn on plain RGB. */
  private static BufferedImage opaque(BufferedImage picture) {
    int kind = picture.getType();
    if (kind == BufferedImage.TYPE_3BYTE_BGR || kind == BufferedImage.TYPE_INT_RGB || kind == BufferedImage.TYPE_BYTE_GRAY) {
      return picture;
    }
    BufferedImage rgb = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.drawImage(picture, 0, 0, Color.WHITE, null);
    g.dispose();
    return rgb;
  }

  /** The picture turned (and mirrored) as EXIF orientation {@code o} says, so that it is upright with no tag. */
  static BufferedImage upright(BufferedImage picture, int o) {
    if (o == 1) {
      return picture;
    }
    int w = picture.getWidth();
    int h = picture.getHeight();
    // Where a stored pixel (x, y) goes upright: x' = m00·x + m01·y + m02, y' = m10·x + m11·y + m12,
    // with the arguments in the order (m00, m10, m01, m11, m02, m12).
    AffineTransform t = switch (o) {
      case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);
      case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);
      case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);
      case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
      case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);
      case 7 -> new AffineTransform(0, -1, -1, 0, h, w);
      default -> new AffineTransform(0, -1, 1, 0, 0, w);
    };
    boolean swap = o >= 5;
    int kind = picture.getType() == BufferedImage.TYPE_BYTE_GRAY ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
    BufferedImage turned = new BufferedImage(swap ? h : w, swap ? w : h, kind);
    Graphics2D g = turned.createGraphics();
    g.drawImage(picture, t, null);
    g.dispose();
    return turned;
  }

  private static void write(BufferedImage picture, String format, Path target) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    Files.deleteIfExists(target);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if ("jpeg".equals(format)) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(JPEG_QUALITY);
      }
      writer.write(null, new IIOImage(picture, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
