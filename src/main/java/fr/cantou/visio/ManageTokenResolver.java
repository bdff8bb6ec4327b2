package fr.cantou.visio;

import fr.cantou.realtime.Viewer;
import fr.cantou.realtime.ViewerResolver;
import io.vertx.core.Future;

import java.util.Optional;

/** A citizen's WebSocket says hello with its appointment's manage token. */
public final class ManageTokenResolver implements ViewerResolver {
  private final ManageTokens tokens;

  ManageTokenResolver(ManageTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Future<Optional<Viewer>> resolve(String token) {
    return Future.succeededFuture(tokens.verify(token).map(Viewer::ofAppointment));
  }
}
