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

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .addProperty("application_name", "cantou")
        .setCachePreparedStatements(true)
        .setPipeliningLimit(64);
  }

  public DatabaseEndpoint withDatabase(String other) {
    return new DatabaseEndpoint(host, port, other, user, password);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
