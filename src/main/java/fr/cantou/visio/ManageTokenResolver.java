package fr.cantou.visio;

import fr.cantou.realtime.Identified;
import fr.cantou.realtime.Viewer;
import fr.cantou.realtime.ViewerResolver;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * A citizen's WebSocket says hello with its appointment's manage token. The socket keeps the
 * links' version and their end: it is closed when they are renewed or expire ({@link VisioEvents#linksChanged}).
 */
public final class ManageTokenResolver implements ViewerResolver {
  private final ManageTokens tokens;
  private final java.util.function.Function<java.util.UUID, Future<Optional<AppointmentStore.LinkState>>> linkState;

  ManageTokenResolver(ManageTokens tokens,
                      java.util.function.Function<java.util.UUID, Future<Optional<AppointmentStore.LinkState>>> linkState) {
    this.tokens = tokens;
    this.linkState = linkState;
  }

  /** Genuine for the appointment's current links, and not past their validity. */
  @Override
  public Future<Optional<Identified>> resolve(String token) {
    Optional<java.util.UUID> id = ManageTokens.appointmentOf(token);
    if (id.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return linkState.apply(id.get()).map(state -> state
        .filter(s -> tokens.opens(token, id.get(), s.version(), s.end()))
        .map(s -> Identified.byLink(Viewer.ofAppointment(id.get()), s.version(), tokens.validUntil(s.end()))));
  }
}
