package fr.cantou.visio;

import fr.cantou.realtime.Viewer;
import fr.cantou.realtime.ViewerResolver;
import io.vertx.core.Future;

import java.util.Optional;

/** A citizen's WebSocket says hello with its appointment's manage token. */
public final class ManageTokenResolver implements ViewerResolver {
  private final ManageTokens tokens;
  /** The end of an appointment, when it exists: a token opens it only until some time after. */
  private final java.util.function.Function<java.util.UUID, Future<Optional<java.time.Instant>>> endOf;

  ManageTokenResolver(ManageTokens tokens, java.util.function.Function<java.util.UUID, Future<Optional<java.time.Instant>>> endOf) {
    this.tokens = tokens;
    this.endOf = endOf;
  }

  @Override
  public Future<Optional<Viewer>> resolve(String token) {
    Optional<java.util.UUID> id = tokens.verify(token);
    if (id.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return endOf.apply(id.get()).map(end -> end.filter(tokens::stillValid).map(e -> Viewer.ofAppointment(id.get())));
  }
}
