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
 * kept and sent many times is not compressed again for each request.
 */
public final class EncodedJson {
  private final Buffer bytes;
  private volatile Buffer gzipped;

  public EncodedJson(Buffer bytes) {
    this.bytes = bytes;
  }

  public Buffer bytes() {
    return bytes;
  }

  /** The same bytes gzip-compressed (made at most a few times, if several threads ask at once; always the same). */
  public Buffer gzipped() {
    Buffer made = gzipped;
    if (made == null) {
      made = gzip(bytes.getBytes());
      gzipped = made;
    }
    return made;
  }

  private static Buffer gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION); // made once, sent many times
      }
    }) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
