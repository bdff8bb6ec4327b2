package fr.cantou.realtime;

/**
 * A NOTIFY's payload: the node that committed, and the newest event it committed ("node:id");
 * a payload without an id (a node of an older version) only wakes.
 */
record WakeUp(String nodeId, long eventId) {
  static WakeUp parse(String payload) {
    int colon = payload.lastIndexOf(':');
    if (colon < 0) {
      return new WakeUp(payload, 0);
    }
    try {
      return new WakeUp(payload.substring(0, colon), Long.parseLong(payload.substring(colon + 1)));
    } catch (NumberFormatException e) {
      return new WakeUp(payload, 0);
    }
  }

  String payload() {
    return nodeId + ":" + eventId;
  }
}
