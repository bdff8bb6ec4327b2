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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL a killed node left running on its data folder. pg_ctl runs the server
 * apart from the JVM, and a node killed outright (kill -9; the OOM killer or systemd's SIGKILL when
 * it was started from a shell, a script or a unit whose KillMode spares its children) never stops
 * it: the next start then waited its whole start timeout for a folder the old server holds, and
 * failed, again at every restart, until someone stopped that server by hand. So before starting,
 * when no live node holds the folder, a server named by its {@code postmaster.pid} that still runs
 * on this very folder is stopped (PostgreSQL's fast shutdown, SIGINT: sessions ended, a clean
 * checkpoint). pg_ctl refuses to run as root, as the node may, so the signal is sent directly.
 * Anything unexpected on the way leaves the server alone: the start then goes on as before.
 */
final class OrphanPostmaster {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanPostmaster.class);
  /**
   * The folders this JVM's own servers run on. Their lock is this process's, and closing any
   * descriptor of the lock file would release it (POSIX record locks belong to the process), so
   * the probe never opens the lock file of one of them.
   */
  private static final Set<Path> STARTED_HERE = ConcurrentHashMap.newKeySet();

  private OrphanPostmaster() {}

  /** Stops the server left running on {@code dataDir}, waiting for it to end; nothing when none runs there. */
  static void stopIfAny(Path dataDir, Duration wait) throws IOException {
    Path folder = dataDir.toAbsolutePath().normalize();
    Optional<ProcessHandle> orphan;
    try {
      if (STARTED_HERE.contains(folder.toRealPath()) || heldByALiveNode(folder)) {
        // A node still runs on this folder (a second start in the same place): its server is not an orphan.
        return;
      }
      orphan = runningOn(folder);
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=embedded_database_orphan action=not_checked reason=\"{}\"", e.toString());
      return;
    }
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle server = orphan.get();
    LOG.warn("event=embedded_database_orphan pid={} dataDir={} action=stopping reason=\"left running by a node that was killed\"",
        server.pid(), folder);
    fastShutdown(server);
    if (!ended(server, folder.resolve("postmaster.pid"), wait)) {
      throw new IOException("the PostgreSQL a killed node left running on this folder (pid " + server.pid()
          + ") did not stop within " + wait.toSeconds() + " s; stop it, then start again");
    }
    LOG.info("event=embedded_database_orphan pid={} action=stopped", server.pid());
  }

  /** A server of this JVM runs on the folder from now on ({@link EmbeddedDatabase}). */
  static void startedHere(Path dataDir) throws IOException {
    STARTED_HERE.add(dataDir.toRealPath());
  }

  static void stoppedHere(Path dataDir) throws IOException {
    STARTED_HERE.remove(dataDir.toRealPath());
  }

  /**
   * The embedded PostgreSQL library creates and locks the folder's {@code epg-lock} before it starts
   * the server, for as long as the JVM that started it keeps it: free, that JVM is gone (the kernel
   * releases a dead process's locks). No lock file at all is not a sign of an orphan (removed by
   * hand, a folder copied): nothing is stopped then.
   */
  private static boolean heldByALiveNode(Path folder) throws IOException {
    Path lockFile = folder.resolve("epg-lock");
    if (!Files.exists(lockFile)) {
      return true;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
         FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  /** The postmaster of {@code postmaster.pid}, when it is alive and its command line names this folder. */
  private static Optional<ProcessHandle> runningOn(Path folder) throws IOException {
    Path pidFile = folder.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.ISO_8859_1);
    if (lines.size() < 2 || !lines.get(0).trim().matches("\\d{1,10}")
        || !Path.of(lines.get(1).trim()).toAbsolutePath().normalize().equals(folder)) {
      // Not a file PostgreSQL wrote for this folder: PostgreSQL itself judges it at start.
      return Optional.empty();
    }
    // A pid the system gave to another program since is left alone: only a postgres on this folder is ours.
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false))
        .filter(p -> p.info().arguments().map(args -> names(args, folder)).orElse(false));
  }

  private static boolean names(String[] args, Path folder) {
    for (int i = 0; i + 1 < args.length; i++) {
      if ("-D".equals(args[i]) && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(folder)) {
        return true;
      }
    }
    return false;
  }

  /**
   * SIGINT through the shell's own kill (no procps needed); where that fails, SIGTERM, a smart
   * shutdown, which waits for any other node still connected to this database.
   */
  private static void fastShutdown(ProcessHandle server) throws IOException {
    try {
      Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -INT \"$1\"", "sh", Long.toString(server.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
        return;
      }
      kill.destroyForcibly();
      LOG.warn("event=embedded_database_orphan pid={} action=sigterm reason=\"kill -INT did not succeed\"", server.pid());
    } catch (IOException e) {
      LOG.warn("event=embedded_database_orphan pid={} action=sigterm reason=\"{}\"", server.pid(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the PostgreSQL left running", e);
    }
    server.destroy();
  }

  /**
   * Waits (on the starting thread, before Vert.x) until the server has ended or removed its pid
   * file, which it does as it exits: an ended server nobody reaps stays a zombie that looks alive.
   */
  private static boolean ended(ProcessHandle server, Path pidFile, Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (server.isAlive() && Files.exists(pidFile)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the PostgreSQL left running stopped", e);
      }
    }
    return true;
  }
}
