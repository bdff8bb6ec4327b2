package fr.cantou.notify;

/** One mail: plain text (readable on any device, by a screen reader too), optionally a calendar file. */
public record MailMessage(String to, String subject, String text, byte[] calendar) {}
