package fr.cantou.identity;

public record Specialty(String code, String label) {}
