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
  /**
   * A side longer than this is refused before decoding: a PNG reader keeps rows of the picture's width (a 10,000,000 ×
   * 5 PNG of 16 bits, at the pixel cap, took more than a node's 1 GB heap; outside review, 7 December 2026). Cameras and
   * phones' panoramas stay under it.
   */
  static final int MAX_SIDE = 30_000;
  /**
   * Scans a JPEG may hold: cameras write 1 (baseline) to about 10 (progressive), a thumbnail in its metadata one more.
   * ImageIO draws the whole picture again after each scan of a progressive JPEG (33 to 60 ms at 49 megapixels here),
   * so thousands of 55-byte scans held a worker for minutes (same review); 40 bound that to a second or two. Its
   * setting to draw the last pass only is no way out: it draws before the last scans are read (a photo blurred).
   */
  static final int MAX_SCANS = 40;
  /**
   * The share of the heap one picture's pixels may take (two workers decode at once, beside everything else): a third
   * of a node's 1 GB takes a phone's 48-megapixel portrait and the copy turned upright (290 MB), not a 16-bit PNG of
   * 50 (400 MB).
   */
  private static final int HEAP_SHARE = 3;

  private ImageRewriter() {}

  /** The file is not a picture this can read (damaged, truncated, a colour model ImageIO does not decode). */
  public static final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A picture with more pixels than allowed ({@code heavy} false), or whose pixels would take more memory than a picture
   * may here: a side over {@link #MAX_SIDE}, or many bytes a pixel ({@code heavy} true).
   */
  public static final class TooLarge extends Exception {
    private final boolean heavy;

    TooLarge(long pixels, boolean heavy) {
      super("picture of " + pixels + " pixels", null, false, false);
      this.heavy = heavy;
    }

    public boolean heavy() {
      return heavy;
    }
  }

  /** Writes {@code source} ({@code image/jpeg} or {@code image/png}) to {@code target} without its metadata. */
  public static void rewrite(Path source, String mediaType, Path target, long maxPixels)
      throws IOException, Unreadable, TooLarge {
    String format = "image/png".equals(mediaType) ? "png" : "jpeg";
    int orientation = "jpeg".equals(format) ? orientation(source) : 1;
    // A JPEG to turn upright is drawn again: room for that copy too, 3 bytes a pixel.
    BufferedImage picture = read(source, format, maxPixels, 0, orientation == 1 ? 0 : 3);
    if ("jpeg".equals(format)) {
      picture = upright(opaque(picture), orientation);
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
    BufferedImage picture = opaque(read(source, "image/png".equals(mediaType) ? "png" : "jpeg", maxPixels, maxSide, 0));
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

  /**
   * The picture's pixels; with {@code aimSide} above 0, one in every n kept (n such that its longer side stays at least
   * that). Refused before decoding when it has too many pixels, a side too long, or its pixels (and
   * {@code copyBytesPerPixel} more for a copy the caller will draw) would take more than a share of the heap; a JPEG of
   * too many scans is unreadable.
   */
  static BufferedImage read(Path source, String format, long maxPixels, int aimSide, int copyBytesPerPixel)
      throws IOException, Unreadable, TooLarge {
    if ("jpeg".equals(format) && scans(source) > MAX_SCANS) {
      throw new Unreadable("more than " + MAX_SCANS + " scans");
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new Unreadable("no reader for " + format);
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
      // Metadata ignored: only the pixels are read.
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      long pixels = (long) width * height;
      if (pixels > maxPixels) {
        throw new TooLarge(pixels, false);
      }
      int step = aimSide <= 0 ? 1 : Math.max(1, Math.max(width, height) / aimSide);
      long kept = ((long) (width + step - 1) / step) * ((height + step - 1) / step);
      if (width > MAX_SIDE || height > MAX_SIDE
          || kept * (bytesPerPixel(reader) + copyBytesPerPixel) > Runtime.getRuntime().maxMemory() / HEAP_SHARE) {
        throw new TooLarge(pixels, true);
      }
      javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      return reader.read(0, param);
    } catch (javax.imageio.IIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new Unreadable(String.valueOf(e.getMessage()));
    } finally {
      reader.dispose();
    }
  }

  /** The bytes a decoded pixel takes (its samples' bits, rounded up); 4 when the reader cannot say before decoding. */
  private static int bytesPerPixel(ImageReader reader) throws IOException {
    javax.imageio.ImageTypeSpecifier raw = reader.getRawImageType(0);
    if (raw == null) {
      return 4;
    }
    int bits = 0;
    for (int size : raw.getSampleModel().getSampleSize()) {
      bits += size;
    }
    return Math.max(1, (bits + 7) / 8);
  }

  /**
   * How many scans a JPEG holds: its start-of-scan markers (0xFF 0xDA). The entropy-coded data never holds one (a 0xFF
   * there is followed by 0x00 or a restart marker); a thumbnail kept in its metadata adds its own, which the bound allows.
   */
  static int scans(Path jpeg) throws IOException {
    int count = 0;
    boolean marker = false;
    try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(jpeg), 64 * 1024)) {
      for (int b = in.read(); b >= 0; b = in.read()) {
        if (marker && b == 0xDA) {
          count++;
        }
        marker = b == 0xFF;
      }
    }
    return count;
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
    // 3 bytes a pixel, as the decoded JPEG: the turned copy is the one read() left room for.
    int kind = picture.getType() == BufferedImage.TYPE_BYTE_GRAY ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
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
