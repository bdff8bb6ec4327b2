package fr.cantou.realtime;

import fr.cantou.identity.Principal;

/**
 * The reads of one live event on one event loop: a person at an address once, however many of
 * her tabs there took it (the same data read once, at once). Sockets of a manage link or a
 * device are no one's read. A person may also hold sockets on another loop of the node, which
 * reads the same event a moment apart: {@link #heldElsewhereToo} says whom that may be, so that
 * only they are compared with the other loops' reads.
 */
public interface LiveReads {
  int count();

  /** Who read it, and from which address. */
  Principal reader(int i);

  /** She also held sockets on another loop of this node when it was pushed to her here. */
  boolean heldElsewhereToo(int i);
}
