package fr.cantou.platform.http;

import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** What the pages need to know of this deployment (nothing secret). */
public final class PublicConfigRoutes implements ApiModule {
  private final JsonObject config;

  public PublicConfigRoutes(CantouConfig config) {
    this.config = new JsonObject()
        .put("jitsiDomain", config.jitsi().domain())
        .put("jitsiOrigin", config.jitsi().origin())
        .put("defaultLanguage", "fr")
        .put("joinOpensMinutesBefore", config.visio().joinOpensBefore().toMinutes())
        .put("operatorName", config.site().operatorName())
        .put("logoUrl", config.site().logoUrl())
        .put("helpEmail", config.site().helpEmail())
        .put("helpPhone", config.site().helpPhone())
        .put("patientDataDays", config.teleconsult().patientDataKept().toDays())
        .put("citizenDataDays", config.visio().citizenDataKept().toDays());
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("publicConfig").addHandler(Endpoint.ok(ctx -> Future.succeededFuture(config)));
  }
}
