package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseUnavailable;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean "the database is away, try again" (503) rather than a fault of ours (500). */
class DatabaseUnavailableTest {

  @Test
  void a_refused_or_reset_connection_is_the_database_being_away() {
    assertThat(DatabaseUnavailable.is(new ConnectException("Connection refused"))).isTrue();
    // Seen by DatabaseStopTest: the server stops while a query is in flight.
    assertThat(DatabaseUnavailable.is(new IllegalStateException(new SocketException("Connection reset")))).isTrue();
    assertThat(DatabaseUnavailable.is(new java.io.IOException("Connection reset by peer"))).isTrue();
    assertThat(DatabaseUnavailable.is(new IllegalStateException("a bug"))).isFalse();
  }
}
