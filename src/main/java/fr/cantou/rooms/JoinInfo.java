package fr.cantou.rooms;

/** What a participant needs to enter a room; {@code jwt} is null when Jitsi runs without tokens. */
public record JoinInfo(Jitsi jitsi) {

  public record Jitsi(String domain, String roomName, String jwt, String displayName, boolean moderator) {}
}
