package fr.cantou.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * docs/openapi.yaml, read once per process on a worker thread (parsing it takes long enough
 * to stall an event loop), then handed to the OpenAPI router.
 */
public final class ApiContract {
  private static final String RESOURCE = "openapi.yaml";
  private static volatile JsonObject parsed;

  private ApiContract() {}

  /** Parses the description on a thread of its own, while the database starts: a restart is that much shorter. */
  public static void preload() {
    Thread parser = new Thread(() -> {
      try {
        parse();
      } catch (IOException | RuntimeException e) {
        // load() parses again and reports it.
      }
    }, "cantou-openapi-preload");
    parser.setDaemon(true);
    parser.start();
  }

  public static Future<OpenAPIContract> load(Vertx vertx) {
    JsonObject cached = parsed;
    Future<JsonObject> document = cached != null ? Future.succeededFuture(cached)
        : vertx.executeBlocking(ApiContract::parse, false);
    return document.compose(json -> OpenAPIContract.from(vertx, json.copy()))
        .map(ContractWithReusedValidators::new);
  }

  @SuppressWarnings("unchecked")
  private static JsonObject parse() throws IOException {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is missing from the class path");
      }
      JsonObject json = new JsonObject(new ObjectMapper(new YAMLFactory()).readValue(in, Map.class));
      parsed = json;
      return json;
    }
  }
}
