package fr.cantou.teleconsult;

import fr.cantou.platform.Platform;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.ReplayCheck;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A whole teleconsultation is replayed only to whom {@link TeleconsultVisibility} shows it now:
 * a doctor of the pool resuming after another doctor took the request (or her account made
 * since) would otherwise get the patient's data that her GET refuses. The pool's summaries pass
 * as they were: they say only that an item is gone.
 */
final class TeleconsultReplayCheck implements ReplayCheck {
  private final Platform platform;
  private final TeleconsultStore store;

  TeleconsultReplayCheck(Platform platform, TeleconsultStore store) {
    this.platform = platform;
    this.store = store;
  }

  @Override
  public Future<Set<Long>> withheld(Viewer viewer, List<EventRecord> events) {
    List<EventRecord> whole = events.stream().filter(TeleconsultEvents::carriesWholeItem).toList();
    if (whole.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Set<UUID> items = new HashSet<>();
    whole.forEach(event -> {
      UUID item = item(event);
      if (item != null) {
        items.add(item);
      }
    });
    return store.visibilityFacts(platform.pool(), items).map(now -> {
      Set<Long> withheld = new HashSet<>();
      for (EventRecord event : whole) {
        UUID id = item(event);
        TeleconsultVisibility.Facts item = id == null ? null : now.get(id);
        // An item gone (its retention ended), or an id that names none, is shown to nobody.
        if (item == null || !viewer.admits(TeleconsultVisibility.of(item).full())) {
          withheld.add(event.id());
        }
      }
      return withheld;
    });
  }

  /** The item's id; null when the event's is none (never written so by Cantou: withheld, not a resume refused for ever). */
  private static UUID item(EventRecord event) {
    try {
      return UUID.fromString(String.valueOf(event.data().getValue("id")));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
