package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The one failure handler: every error leaves as application/problem+json, never a stack trace. */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    RequestLog.remember(ctx);
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Problem problem = toProblem(ctx);
    if (problem.status() >= 500) {
      LOG.error("event=request_failed method={} path={} status={}", ctx.request().method(), RequestLog.template(ctx),
          problem.status(), ctx.failure());
    }
    Responses.problem(ctx, problem);
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return Problem.of(api.status(), api.getMessage());
    }
    if (failure instanceof HttpException http) {
      if (http.getCause() instanceof ValidatorException validation) {
        return Problem.of(400, describe(validation));
      }
      return Problem.of(http.getStatusCode(), detailForStatus(http.getStatusCode(), http.getPayload()));
    }
    if (failure instanceof ValidatorException validation) {
      return Problem.of(400, describe(validation));
    }
    if (failure instanceof DecodeException) {
      return Problem.of(400, "The request body is not valid JSON.");
    }
    if (failure instanceof PgException pg && "57014".equals(pg.getSqlState())) {
      return Problem.of(503, "The database took too long to answer; please try again.");
    }
    if (failure == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      return Problem.of(status, detailForStatus(status, null));
    }
    return Problem.of(500, "Something went wrong on our side. The error was logged; please try again.");
  }

  private static String detailForStatus(int status, String payload) {
    return switch (status) {
      case 413 -> "The request body is larger than this server accepts.";
      case 404 -> "No such resource.";
      case 405 -> "This method is not allowed here.";
      case 401 -> "A valid access token is required.";
      case 403 -> "You are not allowed to do this.";
      default -> payload != null && !payload.isBlank() && status < 500 ? payload
          : status >= 500 ? "Something went wrong on our side; please try again." : "The request was refused.";
    };
  }

  /** Turns the validator's output into a sentence that names the field. */
  static String describe(ValidatorException e) {
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit unit = mostSpecific(schema.getOutputUnit());
      String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation().replaceFirst("^#?/?", "");
      String field = location.isEmpty() ? null : location.replace('/', '.');
      String error = unit.getError() == null ? "is invalid" : unit.getError();
      if (field != null && error.contains("additional properties")) {
        return "Unknown field '" + field + "'.";
      }
      String where = e.getMessage().startsWith("The value of the request body") ? "request body" : parameterName(e.getMessage());
      return field == null ? "Invalid " + where + ": " + error : "Invalid field '" + field + "': " + error;
    }
    return e.getMessage();
  }

  private static String parameterName(String message) {
    // "The value of query parameter from is invalid. Reason: ..."
    int start = message.indexOf("The value of ");
    int end = message.indexOf(" is invalid");
    return start >= 0 && end > start ? message.substring(start + 13, end) : "request";
  }

  private static OutputUnit mostSpecific(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    if (errors == null || errors.isEmpty()) {
      return unit;
    }
    // The deepest location names the field; among equals, prefer the error that says what is
    // wrong with the value over the summary "Property x does not match schema".
    OutputUnit best = errors.get(0);
    for (OutputUnit candidate : errors) {
      boolean deeper = length(candidate) > length(best);
      boolean plainer = length(candidate) == length(best) && isSummary(best) && !isSummary(candidate);
      if (deeper || plainer) {
        best = candidate;
      }
    }
    return best;
  }

  private static boolean isSummary(OutputUnit unit) {
    return unit.getError() != null && unit.getError().endsWith("does not match schema");
  }

  private static int length(OutputUnit unit) {
    return unit.getInstanceLocation() == null ? 0 : unit.getInstanceLocation().length();
  }
}
