package fr.cantou.platform.db;

import io.vertx.pgclient.PgConnectOptions;

/** Where the database is, for the reactive client (the server) and for JDBC (migrations). */
public record DatabaseEndpoint(String host, int port, String database, String user, String password) {

  public static DatabaseEndpoint fromUrl(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return new DatabaseEndpoint(options.getHost(), options.getPort(), options.getDatabase(),
        options.getUser(), options.getPassword() == null ? "" : options.getPassword());
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /**
   * Above the client's default of 2,048 characters a statement is not kept prepared: it is sent,
   * parsed and planned again at each call (an item's read was 1.2 ms of planning per create).
   * Cantou's SQL is constant text, so the longest statement is the bound, not a variable input.
   */
  static final int CACHED_STATEMENT_MAX_LENGTH = 16_384;

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .addProperty("application_name", "cantou")
        .setPipeliningLimit(64)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(CACHED_STATEMENT_MAX_LENGTH);
  }

  public DatabaseEndpoint withDatabase(String other) {
    return new DatabaseEndpoint(host, port, other, user, password);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
