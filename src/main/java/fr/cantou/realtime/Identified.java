package fr.cantou.realtime;

import java.time.Instant;

/** Who said hello, and until when its token holds ({@code expiresAt} null: a token that does not expire). */
record Identified(Viewer viewer, Instant expiresAt) {}
