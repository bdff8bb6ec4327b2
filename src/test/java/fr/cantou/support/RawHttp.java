package fr.cantou.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/1.1 read by hand, for requests java.net.http will not send (Connection, Upgrade headers). */
public final class RawHttp {
  private RawHttp() {}

  /** The status line and headers of an answer, up to the empty line. */
  public static String head(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      assertThat(b).as("the answer's head ends before the connection").isNotEqualTo(-1);
      bytes.write(b);
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /** A whole answer: its head, then as many bytes of body as its Content-Length says (none without one). */
  public static String answer(InputStream in) throws IOException {
    String head = head(in);
    int length = head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        .mapToInt(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElse(0);
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
