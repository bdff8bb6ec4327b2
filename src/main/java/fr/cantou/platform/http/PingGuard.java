package fr.cantou.platform.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import org.slf4j.LoggerFactory;

/**
 * Leaves a WebSocket peer's ping unanswered while its connection's buffer is over its mark.
 *
 * <p>Vert.x answers every ping with a pong, outside any budget of messages, and keeps each pong until the peer reads
 * it: a peer that sends pings and reads nothing made the node hold its whole upload, pong by pong, for as long as the
 * connection lived (20 s for a socket that never says hello, without an account). RFC 6455 (5.5.3) asks a pong for
 * the last ping only; a peer whose buffer is full reads none of them anyway. Below Vert.x's handler, so the ping
 * never reaches it; its bytes are freed here.
 */
@ChannelHandler.Sharable
public final class PingGuard extends ChannelInboundHandlerAdapter {
  private static final PingGuard INSTANCE = new PingGuard();

  private PingGuard() {}

  /**
   * Put before the handler of this socket's connection ({@link StrictWebSocketWrites#connectionOf}), whatever its writer:
   * a socket that kept Vert.x's write queue keeps every pong in it just the same ({@code PingFloodTest}).
   */
  public static void install(ChannelHandlerContext wire) {
    if (wire == null) {
      // Not found on this Vert.x (StrictWebSocketWritesTest fails on it): its pings are answered as Vert.x does.
      LoggerFactory.getLogger(PingGuard.class).debug("event=ws_ping_guard_missing");
      return;
    }
    wire.pipeline().addBefore(wire.name(), "cantou-ping-guard", INSTANCE);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof PingWebSocketFrame ping && !ctx.channel().isWritable()) {
      ping.release();
      return;
    }
    ctx.fireChannelRead(message);
  }
}
