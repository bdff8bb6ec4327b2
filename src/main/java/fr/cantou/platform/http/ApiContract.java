package fr.cantou.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * docs/openapi.yaml, read once per process on a worker thread (parsing it takes long enough
 * to stall an event loop), then handed to the OpenAPI router, and served as it is at
 * /openapi.yaml. Paths that name servers of their own are the node's endpoints outside /api
 * (/health, /ws, …): described for readers, not routed through the API's validation.
 */
public final class ApiContract {
  private static final String RESOURCE = "openapi.yaml";
  private static volatile Document parsed;
  private static volatile OpenAPIContract compiled;
  private static Future<OpenAPIContract> compiling;
  private static Vertx compilingOn;

  private record Document(Buffer text, JsonObject json) {}

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

  /**
   * The contract, compiled once per process: every HTTP server's router (one per event loop)
   * shares it and its validators ({@link ReusedValidators}), and {@code Main} starts compiling it
   * while the database starts. Answered on the caller's context, whichever context compiled it.
   */
  public static Future<OpenAPIContract> load(Vertx vertx) {
    OpenAPIContract known = compiled;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Future<OpenAPIContract> shared = compiling(vertx);
    Context here = vertx.getOrCreateContext();
    Promise<OpenAPIContract> answer = Promise.promise();
    shared.onComplete(result -> here.runOnContext(v -> answer.handle(result)));
    return answer.future();
  }

  /** The compilation under way on {@code vertx} (a future is tied to its Vert.x: another one starts its own). */
  private static synchronized Future<OpenAPIContract> compiling(Vertx vertx) {
    if (compiling == null || compiling.failed() || compilingOn != vertx) {
      compilingOn = vertx;
      compiling = document(vertx).compose(document -> OpenAPIContract.from(vertx, apiOnly(document.json())))
          .<OpenAPIContract>map(ContractWithReusedValidators::new)
          .onSuccess(contract -> compiled = contract);
    }
    return compiling;
  }

  /** The operation of the API this request is for; null when there is none or the contract is not compiled yet. */
  static Operation operationOf(RoutingContext ctx) {
    OpenAPIContract contract = compiled;
    try {
      return contract == null ? null : contract.findOperation(ctx.request().path(), ctx.request().method());
    } catch (RuntimeException noSuchPath) {
      return null;
    }
  }

  /** What the contract holds at this JSON Pointer's steps (a {@code $ref}'s target), or null. */
  static Object raw(List<String> steps) {
    OpenAPIContract contract = compiled;
    Object node = contract == null ? null : contract.getRawContract();
    for (String step : steps) {
      node = node instanceof JsonObject object ? object.getValue(step) : null;
    }
    return node;
  }

  /** GET /openapi.yaml: the document as written, the same bytes the router was built from. */
  public static void serve(RoutingContext ctx) {
    document(ctx.vertx())
        .onSuccess(document -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
            .putHeader("Cache-Control", "no-cache").end(document.text()))
        .onFailure(ctx::fail);
  }

  private static Future<Document> document(Vertx vertx) {
    Document cached = parsed;
    return cached != null ? Future.succeededFuture(cached) : vertx.executeBlocking(ApiContract::parse, false);
  }

  private static JsonObject apiOnly(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths");
    paths.fieldNames().removeIf(path -> paths.getJsonObject(path).containsKey("servers"));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Document parse() throws IOException {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is missing from the class path");
      }
      byte[] text = in.readAllBytes();
      Document document = new Document(Buffer.buffer(text),
          new JsonObject(new ObjectMapper(new YAMLFactory()).readValue(text, Map.class)));
      parsed = document;
      return document;
    }
  }
}
