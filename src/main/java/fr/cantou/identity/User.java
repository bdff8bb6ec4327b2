package fr.cantou.identity;

import java.time.Instant;
import java.util.List;

public record User(String id, String email, String role, String displayName, String organisationId,
                   List<String> specialties, boolean active, Instant createdAt) {}
