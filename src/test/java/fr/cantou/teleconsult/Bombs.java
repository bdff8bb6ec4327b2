package fr.cantou.teleconsult;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Hostile pictures made by the tests (outside review, 7 December 2026): a few kilobytes each, written byte by byte, no
 * binary committed.
 */
public final class Bombs {
  private Bombs() {}

  /**
   * A grey progressive JPEG of {@code width × height} whose DC scan is followed by {@code scans} AC scans that each
   * code every block as "end of band" in runs of 32,767 (about 55 bytes a scan at 49 megapixels): every scan costs
   * the decoder a pass over the whole picture. Cameras write 1 (baseline) to about 10 scans.
   */
  public static byte[] progressiveJpeg(int width, int height, int scans) {
    Bits out = new Bits();
    out.raw(0xFF, 0xD8);
    byte[] dqt = new byte[65];
    java.util.Arrays.fill(dqt, 1, 65, (byte) 1);
    out.segment(0xDB, dqt);
    out.segment(0xC2, new byte[] {8, (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 1, 1, 0x11, 0});
    // One code each, "0": DC difference of category 0; AC symbol 0xE0, EOB14 (a run of 2^14 + 14 more bits).
    byte[] dc = new byte[18];
    dc[1] = 1;
    out.segment(0xC4, dc);
    byte[] ac = new byte[18];
    ac[0] = 0x10;
    ac[1] = 1;
    ac[17] = (byte) 0xE0;
    out.segment(0xC4, ac);
    long blocks = (long) ((width + 7) / 8) * ((height + 7) / 8);
    out.segment(0xDA, new byte[] {1, 1, 0x00, 0, 0, 0x00});
    for (long b = 0; b < blocks; b++) {
      out.bits(0, 1);
    }
    out.pad();
    for (int s = 0; s < scans; s++) {
      out.segment(0xDA, new byte[] {1, 1, 0x00, 1, 63, 0x00});
      for (long b = 0; b < blocks; b += 32767) {
        out.bits(0, 1);
        out.bits(0x3FFF, 14);
      }
      out.pad();
    }
    out.raw(0xFF, 0xD9);
    return out.bytes.toByteArray();
  }

  /** Entropy-coded bits with 0xFF stuffed, and marker segments. */
  private static final class Bits {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int acc;
    int count;

    void raw(int... values) {
      for (int v : values) {
        bytes.write(v);
      }
    }

    void segment(int marker, byte[] body) {
      raw(0xFF, marker, (body.length + 2) >> 8, (body.length + 2) & 0xFF);
      bytes.writeBytes(body);
    }

    void bits(int value, int n) {
      for (int i = n - 1; i >= 0; i--) {
        acc = (acc << 1) | ((value >> i) & 1);
        if (++count == 8) {
          bytes.write(acc);
          if (acc == 0xFF) {
            bytes.write(0);
          }
          acc = 0;
          count = 0;
        }
      }
    }

    void pad() {
      while (count != 0) {
        bits(1, 1);
      }
    }
  }

  /**
   * A PNG of {@code width × height}, colour type {@code colorType} at {@code depth} bits a sample, all zeros (so a few
   * hundred kilobytes however large), with optional extra chunks before its data ({@code type, data, type, data…}).
   */
  public static byte[] png(int width, int height, int colorType, int depth, Object... chunks) {
    try {
      int channels = switch (colorType) {
        case 2 -> 3;
        case 4 -> 2;
        case 6 -> 4;
        default -> 1;
      };
      long rowBytes = ((long) width * channels * depth + 7) / 8;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(header);
      h.writeInt(width);
      h.writeInt(height);
      h.write(new byte[] {(byte) depth, (byte) colorType, 0, 0, 0});
      chunk(out, "IHDR", header.toByteArray());
      for (int i = 0; i < chunks.length; i += 2) {
        chunk(out, (String) chunks[i], (byte[]) chunks[i + 1]);
      }
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      try (DeflaterOutputStream d = new DeflaterOutputStream(data, new Deflater(9))) {
        byte[] zeros = new byte[1 << 20];
        for (int r = 0; r < height; r++) {
          d.write(0);
          for (long k = 0; k < rowBytes; k += zeros.length) {
            d.write(zeros, 0, (int) Math.min(zeros.length, rowBytes - k));
          }
        }
      }
      chunk(out, "IDAT", data.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code megabytes} MiB of zeros, deflated (about a thousandth of that). */
  public static byte[] deflatedZeros(int megabytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9))) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < megabytes; i++) {
        d.write(zeros);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] latin1(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    out.writeInt(data.length);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
