package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.ReplayCheck;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A point's screen is replayed only the appointments it sees now, as its GET and its snapshot show them: those it
 * checked in today at its point, still active ({@link KioskStore#checkedInToday}). Its sight narrows with the day; a
 * screen resuming the next morning was otherwise sent back yesterday's check-ins, a name's initial and a service.
 */
final class ScreenReplayCheck implements ReplayCheck {
  private final Platform platform;
  private final KioskStore kiosks;

  ScreenReplayCheck(Platform platform, KioskStore kiosks) {
    this.platform = platform;
    this.kiosks = kiosks;
  }

  @Override
  public Future<Set<Long>> withheld(Viewer viewer, List<EventRecord> events) {
    if (viewer.device() == null || events.stream().noneMatch(ScreenReplayCheck::shownToScreen)) {
      return Future.succeededFuture(Set.of());
    }
    return kiosks.checkedInToday(platform.pool(), viewer.device(), platform.clock().instant()).map(seen -> {
      Set<String> now = new HashSet<>();
      seen.forEach(id -> now.add(id.toString()));
      Set<Long> withheld = new HashSet<>();
      for (EventRecord event : events) {
        if (shownToScreen(event) && !now.contains(String.valueOf(event.data().getValue("id")))) {
          withheld.add(event.id());
        }
      }
      return withheld;
    });
  }

  private static boolean shownToScreen(EventRecord event) {
    return VisioEvents.KIOSK.equals(event.kind());
  }
}
