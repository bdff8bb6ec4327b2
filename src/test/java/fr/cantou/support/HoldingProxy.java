package fr.cantou.support;

import fr.cantou.platform.db.DatabaseEndpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of PostgreSQL that can hold back, once, the database's answer carrying
 * given bytes (a name in a row): the test decides when a read the node already made reaches
 * it, and can make other things happen in between. Everything else passes as it comes.
 */
public final class HoldingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicReference<byte[]> armed = new AtomicReference<>();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile CountDownLatch connectionsGate = new CountDownLatch(0);

  public HoldingProxy(DatabaseEndpoint target) throws IOException {
    this(target.host(), target.port());
  }

  /** In front of another server that answers (a mail server: its greeting held catches a node's send in flight). */
  public HoldingProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting = new Thread(this::accept, "holding-proxy");
    accepting.setDaemon(true);
    accepting.start();
  }

  /** The port the node should use instead of the server's. */
  public int port() {
    return server.getLocalPort();
  }

  /** The database as the node should see it: through this proxy. */
  public DatabaseEndpoint endpoint(DatabaseEndpoint target) {
    return new DatabaseEndpoint("127.0.0.1", server.getLocalPort(), target.database(), target.user(), target.password());
  }

  /** The next answer of the database that carries {@code text} is held until {@link #release()}. */
  public void holdNextAnswerWith(String text) {
    armed.set(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Waits until an answer is held. */
  public void awaitHolding() throws InterruptedException {
    if (!holding.await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("no answer of the database carried the bytes to hold");
    }
  }

  public void release() {
    released.countDown();
  }

  /** Connections opened from now on wait, unanswered, until {@link #letConnectionsThrough()}: a database slow to answer. */
  public void holdNewConnections() {
    connectionsGate = new CountDownLatch(1);
  }

  public void letConnectionsThrough() {
    connectionsGate.countDown();
  }

  private void accept() {
    try {
      while (!server.isClosed()) {
        Socket client = server.accept();
        sockets.add(client);
        CountDownLatch gate = connectionsGate;
        if (gate.getCount() == 0) {
          connect(client);
        } else {
          Thread waiting = new Thread(() -> {
            try {
              gate.await();
              connect(client);
            } catch (InterruptedException e) {
              close(client);
            }
          }, "holding-proxy-gate");
          waiting.setDaemon(true);
          waiting.start();
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void connect(Socket client) {
    try {
      Socket database = new Socket(targetHost, targetPort);
      sockets.add(database);
      pump(client, database, false);
      pump(database, client, true);
    } catch (IOException e) {
      close(client); // this connection only: the node sees a refused connection, the next one may pass
    }
  }

  private void pump(Socket from, Socket to, boolean answers) {
    Thread pumping = new Thread(() -> {
      byte[] buffer = new byte[16_384];
      byte[] tail = new byte[0];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (answers) {
            byte[] seen = concat(tail, buffer, n);
            byte[] marker = armed.get();
            // Only a marker that ends in the new bytes: one that passed before the proxy was armed is not held.
            if (marker != null && contains(seen, marker, Math.max(0, tail.length - marker.length + 1))
                && armed.compareAndSet(marker, null)) {
              holding.countDown();
              released.await();
            }
            tail = Arrays.copyOfRange(seen, Math.max(0, seen.length - 256), seen.length);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // one side closed
      } finally {
        close(from);
        close(to);
      }
    }, "holding-proxy-pump");
    pumping.setDaemon(true);
    pumping.start();
  }

  private static byte[] concat(byte[] tail, byte[] buffer, int n) {
    byte[] all = Arrays.copyOf(tail, tail.length + n);
    System.arraycopy(buffer, 0, all, tail.length, n);
    return all;
  }

  private static boolean contains(byte[] bytes, byte[] marker, int from) {
    outer:
    for (int i = from; i + marker.length <= bytes.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (bytes[i + j] != marker[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void close(java.io.Closeable socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    released.countDown();
    close(server);
    sockets.forEach(HoldingProxy::close);
  }
}
