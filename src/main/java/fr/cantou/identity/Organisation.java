package fr.cantou.identity;

import java.time.Instant;

@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Organisation(String id, String kind, String name, String commune, String timeZone, String phone,
                           Instant createdAt) {}
