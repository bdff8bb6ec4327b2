package fr.cantou.realtime;

import io.vertx.core.Future;

import java.util.Optional;

/**
 * Turns a token that is not an access token (e.g. an appointment's manage token) into a
 * viewer, with what ends its right ({@link Identified#link()}); empty when the token means
 * nothing to this resolver.
 */
public interface ViewerResolver {
  Future<Optional<Identified>> resolve(String token);
}
