package fr.cantou.platform.http;

import io.vertx.ext.web.RoutingContext;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The address a request comes from, as throttling needs it. Behind a reverse proxy every
 * request comes from the proxy: the client is then the right-most address of
 * X-Forwarded-For that is not one of the trusted proxies (the left part is whatever the client
 * wrote). IPv6 addresses count by their /64, which one subscriber usually holds whole.
 */
public final class ClientAddress {
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  /** "203.0.113.7:51234", "[2001:db8::7]:51234" or "[2001:db8::7]": an address as some proxies write it, port and all. */
  private static final Pattern WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}|\\[([0-9A-Fa-f:.]{2,45})](?::\\d{1,5})?");

  private final Set<String> trustedProxies;

  public ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies.stream().map(ClientAddress::canonical).collect(Collectors.toUnmodifiableSet());
  }

  public String of(RoutingContext ctx) {
    String peer = canonical(ctx.request().remoteAddress().hostAddress());
    if (!trustedProxies.contains(peer)) {
      return normalised(peer);
    }
    List<String> hops = ctx.request().headers().getAll("X-Forwarded-For").stream()
        .flatMap(header -> Arrays.stream(header.split(",")))
        .map(String::trim).toList();
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = canonical(withoutPort(hops.get(i)));
      if (!trustedProxies.contains(hop)) {
        return normalised(hop);
      }
    }
    return normalised(peer);
  }

  /**
   * A hop without the port some load balancers write after it: taken whole, each of a client's connections (a new
   * source port) was a new client for every limit.
   */
  static String withoutPort(String hop) {
    java.util.regex.Matcher m = WITH_PORT.matcher(hop);
    return !m.matches() ? hop : m.group(1) != null ? m.group(1) : m.group(2);
  }

  /** An address exactly (IPv4-mapped IPv6 as IPv4): proxies are trusted one by one, not by /64. */
  static String canonical(String address) {
    InetAddress parsed = parsed(address);
    return parsed == null ? String.valueOf(address) : parsed.getHostAddress();
  }

  /** The key a client counts under: its address, or an IPv6 address's /64; anything else as it is. */
  static String normalised(String address) {
    InetAddress parsed = parsed(address);
    if (!(parsed instanceof Inet6Address v6)) {
      return parsed == null ? String.valueOf(address) : parsed.getHostAddress();
    }
    return prefix(v6, 64);
  }

  /**
   * The /48 that holds a client counted by its /64 ({@link #of}), or null for an IPv4 client: one network (a tunnel
   * broker's, a host's) holds 65,536 /64s, so a limit counted per /64 alone is no limit to whoever holds it.
   */
  public static String network(String client) {
    InetAddress parsed = client == null || !client.endsWith("/64") ? null : parsed(client.substring(0, client.length() - 3));
    return parsed instanceof Inet6Address v6 ? prefix(v6, 48) : null;
  }

  /** "2001:db8:0:0:0:0:0:0/48": the address's first {@code bits} (a multiple of 8), the rest zero. */
  private static String prefix(Inet6Address address, int bits) {
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, bits / 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  /** An IP literal parsed (IPv4-mapped IPv6 comes back as IPv4); null for anything else, never a name lookup. */
  private static InetAddress parsed(String address) {
    if (address == null || !IP_LITERAL.matcher(address).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
