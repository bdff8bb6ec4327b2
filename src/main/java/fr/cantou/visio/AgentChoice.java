package fr.cantou.visio;

import java.time.Duration;
import java.util.UUID;

/** An agent free for a slot, with its buffer after an appointment and its load that day. */
record AgentChoice(UUID agentId, Duration buffer, int load) {}
