package fr.cantou.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * A mail server as small as SMTP allows, for what GreenMail cannot stage: {@link #onEachMail} runs before a mail's
 * acceptance is answered (the sender waits meanwhile: the test moves the clock, runs another node's jobs), and
 * {@link #silent} accepts connections and never says a word, {@link #refusing} refuses the mails it names. Records each
 * mail's raw text, refused or not.
 */
public final class SmtpStandIn implements AutoCloseable {
  private final ServerSocket server;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile IntConsumer beforeAccepting = index -> {};
  private volatile boolean silent;
  private volatile java.util.function.IntPredicate refused = index -> false;

  public SmtpStandIn() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting = new Thread(this::accept, "smtp-stand-in");
    accepting.setDaemon(true);
    accepting.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Runs with the index (from 0) of each mail received, before the server says it is accepted. */
  public SmtpStandIn onEachMail(IntConsumer action) {
    beforeAccepting = action;
    return this;
  }

  /** The mails whose index (from 0) {@code mails} holds are refused (554), once {@link #onEachMail}'s action has run. */
  public SmtpStandIn refusing(java.util.function.IntPredicate mails) {
    refused = mails;
    return this;
  }

  /** From now on, connections are accepted and never answered (a relay that went silent). */
  public SmtpStandIn silent() {
    silent = true;
    return this;
  }

  /** The raw text of the mails accepted or being accepted, in the order they arrived. */
  public List<String> received() {
    return List.copyOf(received);
  }

  private void accept() {
    try {
      while (!server.isClosed()) {
        Socket client = server.accept();
        sockets.add(client);
        if (!silent) {
          Thread talking = new Thread(() -> talk(client), "smtp-stand-in-session");
          talking.setDaemon(true);
          talking.start();
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void talk(Socket client) {
    try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
        StandardCharsets.UTF_8)); OutputStream out = client.getOutputStream()) {
      say(out, "220 stand-in ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        String command = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
        switch (command) {
          case "EHLO", "HELO" -> say(out, "250 stand-in");
          case "DATA" -> {
            say(out, "354 end with a dot");
            int index = mail(in);
            beforeAccepting.accept(index);
            say(out, refused.test(index) ? "554 5.7.1 refused by the stand-in" : "250 queued");
          }
          case "QUIT" -> {
            say(out, "221 bye");
            return;
          }
          default -> say(out, "250 OK");
        }
      }
    } catch (IOException e) {
      // the sender closed
    }
  }

  /** Reads a mail up to its lone dot; answers its index. */
  private int mail(BufferedReader in) throws IOException {
    StringBuilder text = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null && !line.equals(".")) {
      text.append(line).append('\n');
    }
    synchronized (received) {
      received.add(text.toString());
      return received.size() - 1;
    }
  }

  private static void say(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
