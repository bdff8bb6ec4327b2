package fr.cantou.realtime;

import fr.cantou.identity.Principal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * The reads of the live event a loop is offering (reused from one event to the next): a person at
 * an address once, however many of her tabs on the loop took it ({@link SameReader}), and whether
 * she also holds sockets on another loop of the node ({@link HerLoops}), whose reads of the same
 * event the health-data audit must then compare with these.
 */
final class LoopReads implements LiveReads {
  private final List<Principal> readers = new ArrayList<>();
  private final BitSet elsewhere = new BitSet();

  void add(ClientSession session, long eventId) {
    SameReader reader = session.reader;
    Principal principal = session.viewer.principal();
    if (reader != null && reader.firstRead(eventId, principal.address())) {
      if (reader.heldElsewhereToo()) {
        elsewhere.set(readers.size());
      }
      readers.add(principal);
    }
  }

  void clear() {
    readers.clear();
    elsewhere.clear();
  }

  @Override
  public int count() {
    return readers.size();
  }

  @Override
  public Principal reader(int i) {
    return readers.get(i);
  }

  @Override
  public boolean heldElsewhereToo(int i) {
    return elsewhere.get(i);
  }

  /** How many loops of the node hold one person's sockets; changed under the node's map's lock, read by any loop. */
  static final class HerLoops {
    private volatile int count;

    boolean several() {
      return count > 1;
    }

    /** One loop more holds her (under the map's lock). */
    HerLoops oneMore() {
      count++;
      return this;
    }

    /** One loop fewer holds her (under the map's lock); null when none does any more. */
    HerLoops oneLess() {
      return --count == 0 ? null : this;
    }
  }

  /**
   * One person's tabs on one loop: the live event the loop pushed last to them, and from which
   * addresses. Her next tab offered the same event from an address that had it is the same read,
   * at once; anything else is a read of its own.
   */
  static final class SameReader {
    private final HerLoops loops;
    private long lastEvent = Long.MIN_VALUE;
    private String lastAddress;
    /** Her tabs at other addresses that had the last event (rare: none most of the time). */
    private List<String> otherAddresses;

    SameReader(HerLoops loops) {
      this.loops = loops;
    }

    /** She holds sockets on another loop of the node too. */
    boolean heldElsewhereToo() {
      return loops.several();
    }

    /** Whether this push of the event, from this address, is a read of its own (not one of her tabs here had it). */
    boolean firstRead(long eventId, String address) {
      if (lastEvent != eventId) {
        lastEvent = eventId;
        lastAddress = address;
        otherAddresses = null;
        return true;
      }
      if (Objects.equals(lastAddress, address)) {
        return false;
      }
      if (otherAddresses == null) {
        otherAddresses = new ArrayList<>(2);
      } else if (otherAddresses.contains(address)) {
        return false;
      }
      otherAddresses.add(address);
      return true;
    }
  }
}
