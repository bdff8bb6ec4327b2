package fr.cantou.platform.files;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The type of a file read from its first bytes (Apache Tika's magic numbers), never from its name
 * nor from the Content-Type it came with: a program renamed {@code .jpg} is what its bytes say.
 * Blocking (it reads the file): call it on a worker.
 */
public final class FileSniffer {
  private static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();

  private FileSniffer() {}

  /** The media type its content shows, such as {@code image/jpeg}; {@code application/octet-stream} when none is known. */
  public static String mediaType(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      // No resource name in the metadata: Tika then judges by the magic bytes alone.
      MediaType type = TYPES.detect(in, new Metadata());
      return type.getBaseType().toString();
    }
  }
}
