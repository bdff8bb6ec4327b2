package fr.cantou.platform.json;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A JSON answer already written (from parts kept in memory): sent as it is, not encoded again.
 * Its gzip form is written once, when a client first accepts it, and kept with it: an answer
 * kept and sent many times ({@link #kept}) is compressed once, at the best level; any other at
 * the default level, which costs the event loop several times less.
 */
public final class EncodedJson {
  private final Buffer bytes;
  private final int level;
  private volatile Buffer gzipped;

  public EncodedJson(Buffer bytes) {
    this(bytes, Deflater.DEFAULT_COMPRESSION);
  }

  private EncodedJson(Buffer bytes, int level) {
    this.bytes = bytes;
    this.level = level;
  }

  /** An answer kept and sent many times: its gzip form, made once, at the best level. */
  public static EncodedJson kept(Buffer bytes) {
    return new EncodedJson(bytes, Deflater.BEST_COMPRESSION);
  }

  public Buffer bytes() {
    return bytes;
  }

  /** The same bytes gzip-compressed (made at most a few times, if several threads ask at once; always the same). */
  public Buffer gzipped() {
    Buffer made = gzipped;
    if (made == null) {
      made = gzip(bytes.getBytes(), level);
      gzipped = made;
    }
    return made;
  }

  private static Buffer gzip(byte[] plain, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
      {
        def.setLevel(level);
      }
    }) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
