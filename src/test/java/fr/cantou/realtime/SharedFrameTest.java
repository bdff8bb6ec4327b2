package fr.cantou.realtime;

import fr.cantou.platform.http.HttpServers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live event's frame is encoded once for a loop's sockets: each socket's view carries the whole
 * text frame a client decodes back to the event, and once every view is written and the offer
 * closed, nothing of the buffer is left (a leak would hold direct memory for every event).
 */
class SharedFrameTest {

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 125, 126, 1_000, 65_535, HttpServers.MAX_WEBSOCKET_FRAME_BYTES})
  void every_view_decodes_to_the_event_s_text_and_nothing_is_left_once_written(int length) {
    String text = "é".repeat(length / 2) + "x".repeat(length % 2);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    List<ByteBuf> views = new ArrayList<>();
    ByteBuf buffer;
    try (SharedFrame shared = new SharedFrame(utf8)) {
      assertThat(shared.fits()).isTrue();
      for (int socket = 0; socket < 3; socket++) {
        views.add(shared.forOneSocket());
      }
      buffer = views.get(0).unwrap();
    }
    assertThat(buffer.refCnt()).as("the shared buffer, held by the views not written yet").isPositive();
    for (ByteBuf view : views) {
      assertThat(decoded(view)).isEqualTo(text);
    }
    assertThat(buffer.refCnt()).as("the shared buffer, once every view is written and the offer closed").isZero();
  }

  @Test
  void a_text_longer_than_one_frame_is_left_to_each_socket_s_own_write() {
    try (SharedFrame shared = new SharedFrame(new byte[HttpServers.MAX_WEBSOCKET_FRAME_BYTES + 1])) {
      assertThat(shared.fits()).isFalse();
    }
  }

  /** As a client reads it (the decoder releases the view, as the channel does once it is written). */
  private static String decoded(ByteBuf view) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    try {
      client.writeInbound(view);
      TextWebSocketFrame frame = client.readInbound();
      try {
        assertThat(frame.isFinalFragment()).isTrue();
        return frame.text();
      } finally {
        frame.release();
      }
    } finally {
      client.finishAndReleaseAll();
    }
  }
}
