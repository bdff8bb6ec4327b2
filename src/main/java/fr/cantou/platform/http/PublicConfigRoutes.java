package fr.cantou.platform.http;

import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** What the pages need to know of this deployment (nothing secret). */
public final class PublicConfigRoutes implements ApiModule {
  private final JsonObject config;

  /** {@code features}: what each feature adds (its own settings the pages show). */
  public PublicConfigRoutes(CantouConfig config, JsonObject features) {
    this.config = new JsonObject()
        .put("jitsiDomain", config.jitsi().domain())
        .put("jitsiOrigin", config.jitsi().origin())
        .put("defaultLanguage", "fr")
        .put("operatorName", config.site().operatorName())
        .put("logoUrl", config.site().logoUrl())
        .put("helpEmail", config.site().helpEmail())
        .put("helpPhone", config.site().helpPhone())
        // The zone of the times the pages show that carry none of their own (a day chosen, statistics' periods).
        .put("timeZone", config.defaultTimeZone().getId())
        .mergeIn(features);
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("publicConfig").addHandler(Endpoint.ok(ctx -> Future.succeededFuture(config)));
  }
}
