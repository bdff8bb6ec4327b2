package fr.cantou.platform.http;

import io.vertx.ext.web.openapi.router.RouterBuilder;

/** A feature's HTTP adapter: attaches its handlers to the operations of docs/openapi.yaml. */
public interface ApiModule {
  void mount(RouterBuilder api);
}
