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
   * Cantou's SQL is constant text, so the longest statement is the bound, not a variable input;
   * but for statements built per request ({@link #builtPerRequest}).
   */
  static final int CACHED_STATEMENT_MAX_LENGTH = 16_384;

  private static final String BUILT_PER_REQUEST = "/* built per request */ ";

  /**
   * Marks a statement whose text is built from a request (the audit trail's pages: a branch per
   * table, the filters asked for): hundreds of variants that would push the statements every
   * request runs out of each connection's 256 kept prepared. Such a statement is sent each time.
   */
  public static String builtPerRequest(String sql) {
    return BUILT_PER_REQUEST + sql;
  }

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
        .setPreparedStatementCacheSqlFilter(sql -> sql.length() <= CACHED_STATEMENT_MAX_LENGTH && !sql.startsWith(BUILT_PER_REQUEST));
  }

  public DatabaseEndpoint withDatabase(String other) {
    return new DatabaseEndpoint(host, port, other, user, password);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
