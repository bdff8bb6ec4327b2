package fr.cantou.platform.files;

import fr.cantou.teleconsult.Bombs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a photo may cost to decode (outside review, 7 December 2026): a JPEG of more scans than a camera writes, or a
 * picture whose side or bytes a pixel would not fit a share of the heap, is refused before its pixels are decoded; a
 * camera's progressive JPEG is read as before.
 */
class ImageRewriterDecodeTest {
  private static final long CAP = 50_000_000L;

  @Test
  void a_cameras_progressive_jpeg_is_read_whole(@TempDir Path dir) throws Exception {
    Path jpeg = dir.resolve("progressive.jpg");
    Files.write(jpeg, progressive(gradient(320, 240)));
    assertThat(ImageRewriter.scans(jpeg)).as("a camera's progressive JPEG").isBetween(2, ImageRewriter.MAX_SCANS);
    assertThat(ImageRewriter.read(jpeg, "jpeg", CAP, 0, 0).getWidth()).isEqualTo(320);
  }

  @Test
  void a_jpeg_of_more_scans_than_a_camera_writes_is_unreadable_and_forty_are_still_read(@TempDir Path dir) throws Exception {
    Path forty = dir.resolve("forty.jpg");
    Files.write(forty, Bombs.progressiveJpeg(64, 64, ImageRewriter.MAX_SCANS - 1));
    assertThat(ImageRewriter.scans(forty)).isEqualTo(ImageRewriter.MAX_SCANS);
    assertThat(ImageRewriter.read(forty, "jpeg", CAP, 0, 0).getWidth()).isEqualTo(64);

    Path more = dir.resolve("more.jpg");
    Files.write(more, Bombs.progressiveJpeg(64, 64, ImageRewriter.MAX_SCANS));
    assertThatThrownBy(() -> ImageRewriter.read(more, "jpeg", CAP, 0, 0)).isInstanceOf(ImageRewriter.Unreadable.class);
  }

  @Test
  void a_picture_wider_than_any_camera_makes_is_refused_as_too_heavy_before_decoding(@TempDir Path dir) throws Exception {
    Path wide = dir.resolve("wide.png");
    Files.write(wide, Bombs.png(ImageRewriter.MAX_SIDE + 1, 5, 6, 16));
    assertThatThrownBy(() -> ImageRewriter.rewrite(wide, "image/png", dir.resolve("clean.png"), CAP))
        .isInstanceOfSatisfying(ImageRewriter.TooLarge.class, e -> assertThat(e.heavy()).isTrue());
  }

  private static BufferedImage gradient(int width, int height) {
    BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        picture.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | ((x * y) % 256));
      }
    }
    return picture;
  }

  private static byte[] progressive(BufferedImage picture) throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(picture, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
