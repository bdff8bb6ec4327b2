package fr.cantou.rooms;

/** One person entering a room: a stable id (user id, or appointment reference for a citizen). */
public record Participant(String id, String displayName, String email, boolean moderator) {}
