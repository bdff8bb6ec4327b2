package fr.cantou.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Access tokens made outside the server, with the node's key (set by CANTOU_AUTH_JWT_KEY): expired ones, for instance. */
public final class SignedTokens {
  private SignedTokens() {}

  /** An admin's access token for {@code subject}, issued 15 minutes before {@code expiry}. */
  public static String admin(String key, Instant expiry, String subject) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(subject).issuer("cantou").audience(List.of("cantou-api")).claim("role", "admin")
        .issueTime(Date.from(expiry.minusSeconds(900))).expirationTime(Date.from(expiry)).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
