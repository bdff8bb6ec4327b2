package fr.cantou.notify;

/** One SMS: the recipient's number in international form (+33612345678) and its text, already made to fit (see {@link SmsText}). */
public record SmsMessage(String to, String text) {}
