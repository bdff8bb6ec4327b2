package fr.cantou.platform.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL a killed node left running on its data folder. pg_ctl detaches the
 * server from the JVM, and a node killed outright (kill -9, the kernel's OOM killer, systemd's
 * SIGKILL when a stop takes too long) never stops it: the next start then waited its whole start
 * timeout for a folder the old server holds, and failed, again at every restart, until someone
 * stopped that server by hand. So before starting, when no live node holds the folder, a server
 * named by its {@code postmaster.pid} that still runs on this very folder is stopped (PostgreSQL's
 * fast shutdown, SIGINT: sessions ended, a clean checkpoint). pg_ctl itself refuses to run as root,
 * which the embedded server allows, so the signal is sent directly.
 */
final class OrphanPostmaster {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanPostmaster.class);

  private OrphanPostmaster() {}

  /** Stops the server left running on {@code dataDir}, waiting for it to end; nothing when none runs there. */
  static void stopIfAny(Path dataDir, Duration wait) throws IOException {
    if (heldByALiveNode(dataDir)) {
      // A node still runs on this folder (a second start in the same place): its server is not an orphan.
      return;
    }
    Optional<ProcessHandle> orphan = runningOn(dataDir.toAbsolutePath().normalize());
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle server = orphan.get();
    LOG.warn("event=embedded_database_orphan pid={} dataDir={} action=stopping reason=\"left running by a node that was killed\"",
        server.pid(), dataDir.toAbsolutePath());
    fastShutdown(server);
    try {
      server.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("the PostgreSQL a killed node left running on this folder (pid " + server.pid()
          + ") did not stop within " + wait.toSeconds() + " s; stop it, then start again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the PostgreSQL left running stopped", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    LOG.info("event=embedded_database_orphan pid={} action=stopped", server.pid());
  }

  /**
   * The embedded PostgreSQL library locks the folder's {@code epg-lock} for as long as the JVM that
   * started the server keeps it: free, that JVM is gone (the kernel releases a dead process's locks).
   */
  private static boolean heldByALiveNode(Path dataDir) throws IOException {
    Path lockFile = dataDir.resolve("epg-lock");
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
         FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (OverlappingFileLockException e) {
      return true; // this very JVM holds it
    }
  }

  /** The postmaster of {@code postmaster.pid}, when it is alive and its command line names this folder. */
  private static Optional<ProcessHandle> runningOn(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.size() < 2 || !lines.get(0).trim().matches("\\d{1,10}")
        || !Path.of(lines.get(1).trim()).toAbsolutePath().normalize().equals(dataDir)) {
      // Not a file PostgreSQL wrote for this folder: PostgreSQL itself judges it at start.
      return Optional.empty();
    }
    // A pid the system gave to another program since is left alone: only a postgres on this folder is ours.
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false))
        .filter(p -> p.info().arguments().map(args -> names(args, dataDir)).orElse(false));
  }

  private static boolean names(String[] args, Path dataDir) {
    for (int i = 0; i + 1 < args.length; i++) {
      if ("-D".equals(args[i]) && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(dataDir)) {
        return true;
      }
    }
    return false;
  }

  /** SIGINT through kill(1); where that fails, SIGTERM (a smart shutdown: the node's sessions died with it). */
  private static void fastShutdown(ProcessHandle server) throws IOException {
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).redirectErrorStream(true).start();
      if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      LOG.debug("event=embedded_database_orphan action=kill_unavailable reason=\"{}\"", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the PostgreSQL left running", e);
    }
    server.destroy();
  }
}
