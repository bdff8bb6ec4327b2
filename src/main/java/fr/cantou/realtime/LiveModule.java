package fr.cantou.realtime;

import fr.cantou.platform.CantouModule;

import java.util.List;
import java.util.function.Consumer;

/**
 * A module that also takes part in the real time: its parts of the WebSocket (the ports of the
 * gateway) and what it does with every event of the outbox, whichever node wrote it.
 */
public interface LiveModule extends CantouModule {
  /** Its part of a socket's snapshot. */
  default List<SnapshotSource> snapshots() {
    return List.of();
  }

  /** Its word on the events a resuming socket missed (an item's audience may have narrowed since). */
  default List<ReplayCheck> replayChecks() {
    return List.of();
  }

  /** Turns a token that is not an access token (the citizen's manage token) into a viewer. */
  default List<ViewerResolver> resolvers() {
    return List.of();
  }

  /** Handles the client messages of its types. */
  default List<ClientMessageHandler> messageHandlers() {
    return List.of();
  }

  /** Told when a socket is greeted and when it closes. */
  default List<ConnectionObserver> connectionObservers() {
    return List.of();
  }

  /** Told of every event handed to a socket. */
  default List<PushObserver> pushObservers() {
    return List.of();
  }

  /** Every event of the outbox, on this node. */
  default List<Consumer<EventRecord>> eventFollowers() {
    return List.of();
  }

  /**
   * What it keeps in memory from the events, forgotten when the node's database is another one (a failover, a
   * restore): the events that would have kept it right there never come.
   */
  default List<Runnable> forgetters() {
    return List.of();
  }
}
