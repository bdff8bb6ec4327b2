package fr.cantou.teleconsult;

import fr.cantou.platform.Platform;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.ReplayCheck;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    // Each whole item's event, by its item's id (an id that names none is withheld with the items gone).
    Map<Long, UUID> items = new HashMap<>();
    Set<Long> withheld = new HashSet<>();
    for (EventRecord event : events) {
      if (TeleconsultEvents.carriesWholeItem(event)) {
        UUID item = item(event);
        if (item == null) {
          withheld.add(event.id());
        } else {
          items.put(event.id(), item);
        }
      }
    }
    if (items.isEmpty()) {
      return Future.succeededFuture(withheld);
    }
    return store.visibilityFacts(platform.pool(), Set.copyOf(items.values())).map(now -> {
      items.forEach((event, item) -> {
        TeleconsultVisibility.Facts facts = now.get(item);
        // An item gone (its retention ended) is shown to nobody.
        if (facts == null || !viewer.admits(TeleconsultVisibility.of(facts).full())) {
          withheld.add(event);
        }
      });
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
