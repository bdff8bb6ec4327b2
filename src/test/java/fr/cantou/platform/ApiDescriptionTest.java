package fr.cantou.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The API description is served, and every route the node answers is in it. */
class ApiDescriptionTest {
  @Test
  void openapi_yaml_is_served_as_the_file_the_requests_are_validated_against() throws Exception {
    Api.Response response;
    try (TestNode node = TestNode.start()) {
      response = node.api.get("/openapi.yaml");
    }
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/yaml");
    assertThat(response.body()).isEqualTo(Files.readString(Path.of("docs/openapi.yaml")));
  }

  /**
   * Walks the routers (sub-routers included) and looks up each route with a path in the
   * document. Routes without a path are the handlers of every request (logs, headers, body,
   * token), the pages under webapp/ and the last 404; "/api/*" without a sub-router is the
   * API's 404.
   */
  @Test
  void every_route_the_node_answers_is_described() throws Exception {
    JsonObject paths = new JsonObject(new ObjectMapper(new YAMLFactory())
        .readValue(Files.readString(Path.of("docs/openapi.yaml")), Map.class)).getJsonObject("paths");
    List<String> routes = new ArrayList<>();
    try (TestNode node = TestNode.start()) {
      walk(node.node().router(), "", routes);
    }
    assertThat(routes).as("the walk found the API").contains("POST /api/visio/appointments", "GET /health", "GET /metrics");
    List<String> undescribed = routes.stream().filter(route -> !described(paths, route)).toList();
    assertThat(undescribed).as("routes missing from docs/openapi.yaml").isEmpty();
  }

  private static void walk(Router router, String mount, List<String> found) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null) {
        continue;
      }
      if (route.getSubRouter() != null) {
        walk(route.getSubRouter(), mount + path.replaceFirst("/?\\*?$", ""), found);
      } else if (!(mount.isEmpty() && "/api/".equals(path))) {
        Set<HttpMethod> methods = route.methods();
        String full = mount + path;
        if (methods == null || methods.isEmpty()) {
          found.add("ANY " + full);
        } else {
          methods.forEach(method -> found.add(method.name() + " " + full));
        }
      }
    }
  }

  /** "GET /api/visio/services/:id" is described by "/visio/services/{id}" (under the /api server) with a get. */
  private static boolean described(JsonObject paths, String route) {
    String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
    String path = route.substring(route.indexOf(' ') + 1).replaceAll(":(\\w+)", "{$1}");
    boolean api = path.startsWith("/api/");
    JsonObject item = paths.getJsonObject(api ? path.substring("/api".length()) : path);
    if (item == null || api == item.containsKey("servers")) {
      return false;
    }
    // A route of every method would answer verbs the document does not give: never described.
    return !"any".equals(method) && item.containsKey(method);
  }
}
