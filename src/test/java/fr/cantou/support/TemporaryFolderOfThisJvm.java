package fr.cantou.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes this test JVM's temporary folder before any test runs. Each of the suite's JVMs has its own (pom.xml:
 * {@code java.io.tmpdir} = target/test-tmp/N), so that tests counting the temporary files an upload leaves never see
 * the other JVM's; the JVM does not make the folder, and a file made in a folder that does not exist fails.
 */
public final class TemporaryFolderOfThisJvm implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    try {
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the test JVM's temporary folder", e);
    }
  }
}
