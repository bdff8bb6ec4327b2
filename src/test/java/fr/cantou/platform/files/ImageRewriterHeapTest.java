package fr.cantou.platform.files;

import fr.cantou.teleconsult.Bombs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review of 7 December 2026 (r19): a picture within the pixel cap stripped (or refused) inside the heap a
 * node runs with (docs/operations.md: -Xmx1g), in a child JVM of that heap. The cap counts pixels; a PNG's bytes a
 * pixel (16-bit RGBA: 8) and its row buffers (a row of 10 million pixels: 80 MB, held twice) are not counted.
 */
class ImageRewriterHeapTest {
  /** The child: rewrites args[0] (of type args[2]) to args[1]; exit 0 stripped, 1 refused in words, 3 out of memory. */
  public static final class Child {
    public static void main(String[] args) {
      int status;
      try {
        ImageRewriter.rewrite(Path.of(args[0]), args[2], Path.of(args[1]), 50_000_000L);
        status = 0;
      } catch (ImageRewriter.TooLarge | ImageRewriter.Unreadable e) {
        status = 1;
      } catch (OutOfMemoryError e) {
        status = 3;
      } catch (Throwable e) {
        status = 4;
      }
      Runtime.getRuntime().halt(status);
    }
  }

  /**
   * A PNG of 10,000,000 × 5 pixels (50 megapixels, the default cap), 16-bit RGBA, 390 KB of zeros: one upload, within
   * every limit, needs more than 1 GB of heap to strip (between 1 and 1.5 GB here).
   */
  @Test
  void a_png_within_the_pixel_cap_is_stripped_or_refused_within_a_nodes_one_gigabyte_heap(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("large.png");
    Files.write(png, Bombs.png(10_000_000, 5, 6, 16));
    assertThat(Files.size(png)).as("well under 10 MB").isLessThan(1024 * 1024);
    assertThat(rewrittenInANodesHeap(png, "image/png", dir)).as("1: refused in words; 3: OutOfMemoryError in the node's heap")
        .isEqualTo(1);
  }

  /** What the bounds must never refuse: a phone's 48-megapixel photo taken upright (EXIF orientation 6), turned. */
  @Test
  void a_phones_forty_eight_megapixel_portrait_is_stripped_within_a_nodes_one_gigabyte_heap(@TempDir Path dir) throws Exception {
    Path jpeg = dir.resolve("portrait.jpg");
    Files.write(jpeg, fr.cantou.teleconsult.CareFiles.photoWithGps(8000, 6000, 6));
    assertThat(rewrittenInANodesHeap(jpeg, "image/jpeg", dir)).as("0: stripped; 1: refused; 3: out of memory").isZero();
  }

  private static int rewrittenInANodesHeap(Path picture, String mediaType, Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"), Child.class.getName(), picture.toString(),
        dir.resolve("clean").toString(), mediaType)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return child.exitValue();
  }
}
