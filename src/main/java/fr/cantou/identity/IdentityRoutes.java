package fr.cantou.identity;

import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.JsonBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** HTTP adapter of identity: parse, check rights, call the services, answer JSON. */
public final class IdentityRoutes implements ApiModule {
  private final AuthService auth;
  private final IdentityService identity;
  private final PasswordResets resets;
  private final ClientAddress addresses;

  public IdentityRoutes(AuthService auth, IdentityService identity, PasswordResets resets, ClientAddress addresses) {
    this.auth = auth;
    this.identity = identity;
    this.resets = resets;
    this.addresses = addresses;
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("login").addHandler(Endpoint.ok(ctx -> {
      Requests.Login body = JsonBody.read(ctx, Requests.Login.class);
      return auth.login(body.email(), body.password(), addresses.of(ctx));
    }));
    api.getRoute("refreshSession").addHandler(Endpoint.ok(ctx -> {
      Requests.Refresh body = JsonBody.read(ctx, Requests.Refresh.class);
      return auth.refresh(body.refreshToken(), AnswerProof.of(body.answerKey(), body.answerSecret()), addresses.of(ctx));
    }));
    api.getRoute("logout").addHandler(Endpoint.noContent(ctx ->
        auth.logout(JsonBody.read(ctx, Requests.Refresh.class).refreshToken(), addresses.of(ctx))));
    api.getRoute("changePassword").addHandler(Endpoint.ok(ctx -> {
      Principal me = CurrentUser.require(ctx);
      Requests.PasswordChange body = JsonBody.read(ctx, Requests.PasswordChange.class);
      return auth.changePassword(me, body.currentPassword(), body.newPassword());
    }));
    api.getRoute("requestPasswordReset").addHandler(Endpoint.json(202, ctx -> resets.request(
        JsonBody.read(ctx, Requests.PasswordReset.class).email(), addresses.of(ctx)).map(IdentityRoutes::message)));
    api.getRoute("confirmPasswordReset").addHandler(Endpoint.ok(ctx -> {
      Requests.PasswordResetConfirm body = JsonBody.read(ctx, Requests.PasswordResetConfirm.class);
      return resets.confirm(body.token(), body.newPassword(), addresses.of(ctx)).map(IdentityRoutes::message);
    }));
    api.getRoute("checkPasswordLink").addHandler(Endpoint.ok(ctx ->
        resets.check(JsonBody.read(ctx, Requests.PasswordLinkCheck.class).token(), addresses.of(ctx))));
    api.getRoute("me").addHandler(Endpoint.ok(ctx -> {
      Principal me = CurrentUser.require(ctx);
      return identity.user(me.userId());
    }));

    api.getRoute("listOrganisations").addHandler(Endpoint.ok(ctx -> {
      IdentityRights.requireAdmin(CurrentUser.require(ctx));
      return identity.organisations();
    }));
    api.getRoute("createOrganisation").addHandler(Endpoint.created(ctx -> {
      Principal admin = IdentityRights.requireAdmin(CurrentUser.require(ctx));
      Requests.NewOrganisation body = JsonBody.read(ctx, Requests.NewOrganisation.class);
      return identity.createOrganisation(admin, body.kind(), body.name(), body.commune(), body.timeZone(), body.phone(),
          ctx.request().getHeader("Idempotency-Key"));
    }));

    api.getRoute("listUsers").addHandler(Endpoint.ok(ctx -> {
      IdentityRights.requireAdmin(CurrentUser.require(ctx));
      return identity.users(ctx.queryParams().get("organisationId"));
    }));
    api.getRoute("createUser").addHandler(Endpoint.created(ctx -> {
      Principal admin = IdentityRights.requireAdmin(CurrentUser.require(ctx));
      Requests.NewUser body = JsonBody.read(ctx, Requests.NewUser.class);
      return identity.createUser(admin, body.email(), body.password(), Role.fromCode(body.role()), body.displayName(),
          body.organisationId(), body.specialties(), ctx.request().getHeader("Idempotency-Key"));
    }));
    api.getRoute("sendPasswordLink").addHandler(Endpoint.json(202, ctx -> {
      Principal admin = IdentityRights.requireAdmin(CurrentUser.require(ctx));
      return resets.sendByAdmin(admin, Ids.parse(ctx.pathParam("id"), "user")).map(IdentityRoutes::message);
    }));
    api.getRoute("deactivateUser").addHandler(Endpoint.ok(ctx -> {
      Principal admin = IdentityRights.requireAdmin(CurrentUser.require(ctx));
      return identity.deactivate(Ids.parse(ctx.pathParam("id"), "user"), admin);
    }));

    api.getRoute("listSpecialties").addHandler(Endpoint.ok(ctx -> identity.specialties()));
    api.getRoute("createSpecialty").addHandler(Endpoint.created(ctx -> {
      Principal admin = IdentityRights.requireAdmin(CurrentUser.require(ctx));
      Requests.NewSpecialty body = JsonBody.read(ctx, Requests.NewSpecialty.class);
      return identity.createSpecialty(admin, body.code(), body.label(), ctx.request().getHeader("Idempotency-Key"));
    }));
  }

  private static JsonObject message(String sentence) {
    return new JsonObject().put("message", sentence);
  }
}
