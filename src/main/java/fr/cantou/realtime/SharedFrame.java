package fr.cantou.realtime;

import fr.cantou.platform.http.HttpServers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;

/**
 * A live event's text frame as it goes on the wire, encoded once for all the sockets of a loop.
 *
 * <p>A server's frames are not masked, so every socket gets the same bytes. Netty's own encoder
 * writes them once into one direct buffer. Each socket is then written a view of that buffer:
 * nothing is encoded or copied per socket. Before, each socket's frame went through
 * Vert.x's write path and Netty's encoder: a frame object, a promise bridged to a channel
 * promise, a new buffer and a copy of the event's bytes, a thousand times an event. Open for the
 * offer of one event on one loop; closed after it.
 */
final class SharedFrame implements AutoCloseable {
  private final byte[] utf8;
  /** Encoded at the first socket's write: an event most loops' sockets may not see costs nothing there. */
  private ByteBuf wire;

  SharedFrame(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** False when the bytes need more than one frame: then each socket's own write splits them. */
  boolean fits() {
    return utf8.length <= HttpServers.MAX_WEBSOCKET_FRAME_BYTES;
  }

  /** A view for one socket's write (its own indexes, the same bytes), which Netty releases once written or failed. */
  ByteBuf forOneSocket() {
    if (wire == null) {
      wire = encode(utf8);
    }
    return wire.retainedDuplicate();
  }

  private static ByteBuf encode(byte[] utf8) {
    EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    try {
      encoder.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)));
      ByteBuf wire = ByteBufAllocator.DEFAULT.directBuffer(utf8.length + 10);
      for (ByteBuf part = encoder.readOutbound(); part != null; part = encoder.readOutbound()) {
        wire.writeBytes(part);
        part.release();
      }
      return wire;
    } finally {
      encoder.finishAndReleaseAll();
    }
  }

  @Override
  public void close() {
    if (wire != null) {
      wire.release();
      wire = null;
    }
  }
}
