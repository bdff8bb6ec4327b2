package fr.cantou.identity;

import java.time.Instant;

public record Organisation(String id, String kind, String name, String commune, String timeZone, Instant createdAt) {}
