package fr.cantou.privacy;

import fr.cantou.identity.CurrentUser;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.Responses;
import fr.cantou.platform.http.JsonBody;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** HTTP adapter of an admin's RGPD requests for a person. */
public final class PersonalDataRoutes implements ApiModule {
  private final PersonalDataService personalData;
  private final ClientAddress addresses;

  PersonalDataRoutes(PersonalDataService personalData, ClientAddress addresses) {
    this.personalData = personalData;
    this.addresses = addresses;
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("exportPersonData").addHandler(Endpoint.answer(ctx ->
        personalData.export(CurrentUser.require(ctx), JsonBody.read(ctx, PersonalDataRequest.class), addresses.of(ctx)),
        (ctx, export) -> {
          ctx.response().putHeader("Content-Disposition", "attachment; filename=\"donnees-personnelles.json\"")
              .putHeader("Cache-Control", "no-store");
          Responses.json(ctx, 200, export);
        }));
    api.getRoute("erasePersonData").addHandler(Endpoint.ok(ctx -> personalData.erase(CurrentUser.require(ctx),
        JsonBody.read(ctx, PersonalDataRequest.class), addresses.of(ctx))));
  }
}
