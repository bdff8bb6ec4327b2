package fr.cantou.teleconsult;

import java.time.Instant;
import java.util.List;

/** A doctor's availability as every node sees it. */
public record DoctorPresence(String doctorId, String displayName, String status, List<String> specialties, Instant updatedAt) {}
