package fr.cantou.platform;

import io.vertx.core.Future;

import java.util.List;
import java.util.function.Function;

/** Runs one step per item, one after the other (order matters for events in one transaction). */
public final class Futures {
  private Futures() {}

  public static <T> Future<Void> sequence(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item).mapEmpty());
    }
    return chain;
  }
}
