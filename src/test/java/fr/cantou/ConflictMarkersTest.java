package fr.cantou;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A merge that kept git's conflict markers compiles when they sit in a document (docs/benchmarks.md carried
 * both sides of one for a session): no text file of the project holds one.
 */
class ConflictMarkersTest {
  private static final Pattern MARKER = Pattern.compile("^(<{7} |={7}$|>{7} )", Pattern.MULTILINE);
  private static final List<String> ROOTS = List.of("README.md", "docs", "src", "webapp", "config", "scripts", ".ci", "pom.xml");

  @Test
  void no_file_holds_a_merge_conflict_marker() throws IOException {
    List<String> marked;
    try (Stream<Path> files = ROOTS.stream().map(Path::of).filter(Files::exists).flatMap(ConflictMarkersTest::walk)) {
      marked = files.filter(Files::isRegularFile).filter(ConflictMarkersTest::isText)
          .filter(file -> MARKER.matcher(read(file)).find()).map(Path::toString).toList();
    }
    assertThat(marked).as("files with a conflict marker").isEmpty();
  }

  private static Stream<Path> walk(Path root) {
    try {
      return Files.walk(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isText(Path file) {
    String name = file.getFileName().toString();
    return name.matches(".*\\.(java|md|yaml|yml|json|js|css|html|sql|properties|xml|sh|txt|conf|service)$") || name.equals("run");
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
