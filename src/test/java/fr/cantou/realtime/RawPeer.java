package fr.cantou.realtime;

import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket peer on a bare TCP socket, for what a browser never does: it never answers a close frame, reads only
 * when told to, and sends frames the node must bear (a storm of pings).
 */
final class RawPeer implements AutoCloseable {
  static final int TEXT = 1;
  static final int CLOSE = 8;
  static final int PING = 9;
  static final int PONG = 10;

  record Frame(int opcode, String text) {}

  private final Socket socket;
  private final DataInputStream in;

  private RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Upgraded, over a receive buffer of {@code receiveBufferBytes} (0: the system's). */
  static RawPeer connect(int port, int receiveBufferBytes) throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      // Set before connecting: the window the peer announces is fixed then.
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(30_000);
    socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: cantou\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    RawPeer peer = new RawPeer(socket);
    assertThat(peer.headLine()).contains("101");
    while (!peer.headLine().isEmpty()) {
      // the rest of the upgrade's head
    }
    return peer;
  }

  /** Upgraded and greeted: its snapshot read. */
  static RawPeer hello(int port, String token) throws IOException {
    return hello(port, token, 0);
  }

  /** The same, over a receive buffer of {@code receiveBufferBytes}. */
  static RawPeer hello(int port, String token, int receiveBufferBytes) throws IOException {
    RawPeer peer = connect(port, receiveBufferBytes);
    peer.sendText(new JsonObject().put("type", "hello").put("token", token).encode());
    Frame frame;
    do {
      frame = peer.nextFrame();
    } while (!(frame.opcode() == TEXT && "snapshot".equals(new JsonObject(frame.text()).getString("type"))));
    return peer;
  }

  private String headLine() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("the upgrade's head ended early");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  void sendText(String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(masked(TEXT, text.getBytes(StandardCharsets.UTF_8)));
    out.flush();
  }

  /** {@code count} pings of the most a control frame holds (125 bytes), written without reading anything. */
  void sendPings(int count) throws IOException {
    byte[] one = masked(PING, new byte[125]);
    byte[] many = new byte[one.length * 1_000];
    for (int i = 0; i < 1_000; i++) {
      System.arraycopy(one, 0, many, i * one.length, one.length);
    }
    OutputStream out = socket.getOutputStream();
    for (int sent = 0; sent < count; sent += 1_000) {
      out.write(many, 0, one.length * Math.min(1_000, count - sent));
    }
    out.flush();
  }

  /** A client's frames are masked (RFC 6455, 5.3). */
  private static byte[] masked(int opcode, byte[] payload) {
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0x80 | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else {
      out.write(0x80 | 126);
      out.write(payload.length >> 8);
      out.write(payload.length & 0xff);
    }
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }

  Frame nextFrame() throws IOException {
    int first = in.readUnsignedByte();
    int length = in.readUnsignedByte() & 0x7f;
    long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
    byte[] payload = new byte[Math.toIntExact(size)];
    in.readFully(payload);
    return new Frame(first & 0x0f, new String(payload, StandardCharsets.UTF_8));
  }

  /** The frames that came until the node closed the connection. */
  List<Frame> framesUntilTheNodeHangsUp() throws IOException {
    List<Frame> frames = new ArrayList<>();
    while (true) {
      try {
        frames.add(nextFrame());
      } catch (EOFException | java.net.SocketException hungUp) {
        return frames;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
