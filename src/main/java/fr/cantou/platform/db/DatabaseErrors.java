package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;

import java.util.List;
import java.util.function.Function;

/**
 * The one reader of PostgreSQL's errors. A store names the constraints of its tables once, as
 * {@link Rule}s, and fails with {@link Refused} carrying its own outcome (an enum of the
 * feature): services answer outcomes, never a SQLSTATE or a constraint name.
 */
public final class DatabaseErrors {
  private DatabaseErrors() {}

  /** The refusals of Cantou's schema, by SQLSTATE. */
  public enum Violation {
    UNIQUE("23505"), FOREIGN_KEY("23503"), EXCLUSION("23P01");

    private final String sqlState;

    Violation(String sqlState) {
      this.sqlState = sqlState;
    }
  }

  /** A violation of the constraint whose name contains {@code constraint} (empty: any of that kind) means {@code outcome}. */
  public record Rule(Violation violation, String constraint, Enum<?> outcome) {
    boolean matches(PgException pg) {
      return violation.sqlState.equals(pg.getSqlState())
          && (constraint.isEmpty() || pg.getConstraint() != null && pg.getConstraint().contains(constraint));
    }
  }

  /** A write the schema refused, in the words of the store that made it. */
  public static final class Refused extends RuntimeException {
    private final transient Enum<?> outcome;

    Refused(Enum<?> outcome, Throwable cause) {
      super(outcome.name(), cause, false, false);
      this.outcome = outcome;
    }

    public Enum<?> outcome() {
      return outcome;
    }

    /** Whether {@code failure} is this refusal. */
    public static boolean is(Throwable failure, Enum<?> outcome) {
      return failure instanceof Refused refused && refused.outcome == outcome;
    }
  }

  /** For a store's {@code recover}: a failure one of the rules names becomes {@link Refused}; any other stays as it is. */
  public static <T> Function<Throwable, Future<T>> refusals(Rule... rules) {
    List<Rule> all = List.of(rules);
    return e -> {
      if (e instanceof PgException pg) {
        for (Rule rule : all) {
          if (rule.matches(pg)) {
            return Future.failedFuture(new Refused(rule.outcome(), e));
          }
        }
      }
      return Future.failedFuture(e);
    };
  }

  /**
   * The database refused the data itself (a data exception, class 22; a null where none may
   * be, 23502; a check, 23514): the same statement would be refused again, whenever it is
   * tried. Not a unique violation: a key drawn from a sequence left behind (a restore without
   * its setval) passes at a later try.
   */
  public static boolean refusedForGood(Throwable failure) {
    return failure instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || "23502".equals(pg.getSqlState()) || "23514".equals(pg.getSqlState()));
  }

  /** The node's role may not do this (42501: not the object's owner, or not granted). */
  public static boolean notAllowed(Throwable failure) {
    return failure instanceof PgException pg && "42501".equals(pg.getSqlState());
  }

  /** The statement was cancelled by the server (statement_timeout): the database is too slow right now. */
  public static boolean cancelled(Throwable failure) {
    return failure instanceof PgException pg && "57014".equals(pg.getSqlState());
  }
}
