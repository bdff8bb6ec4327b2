package fr.cantou.platform.http;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseUnavailable;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one failure handler: every error leaves as application/problem+json, never a stack trace. */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    RequestLog.remember(ctx);
    if (ctx.failure() instanceof StreamedBody.Truncated gone) {
      // The client left mid-body (or before it was read): nobody to answer, and not the node's error.
      LOG.debug("event=request_body_truncated path={} reason=\"{}\"", RequestLog.template(ctx), gone.getMessage());
      ctx.response().reset();
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Problem problem = toProblem(ctx);
    if (ctx.failure() instanceof ApiException api && api.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(api.retryAfterSeconds()));
    } else if (problem.status() == 503) {
      ctx.response().putHeader("Retry-After", "2");
    }
    if (problem.status() >= 500) {
      LOG.error("event=request_failed method={} path={} status={}", ctx.request().method(), RequestLog.template(ctx),
          problem.status(), ctx.failure());
    }
    Responses.problem(ctx, problem);
  }

  static Problem toProblem(RoutingContext ctx) {
    Locale language = ProblemTexts.languageOf(ctx);
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return Problem.of(api, language);
    }
    ApiException described = describe(failure, ctx);
    int status = statusOf(ctx);
    return new Problem(status, Problem.titleFor(status), described.detail(language), described.field());
  }

  private static int statusOf(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpException http) {
      return http.getCause() instanceof ValidatorException ? 400 : http.getStatusCode();
    }
    if (failure instanceof ValidatorException || failure instanceof DecodeException) {
      return 400;
    }
    if (DatabaseErrors.cancelled(failure) || DatabaseUnavailable.is(failure)) {
      return 503;
    }
    return failure == null && ctx.statusCode() > 0 ? ctx.statusCode() : 500;
  }

  /** What to say of a failure that is not one of ours. */
  private static ApiException describe(Throwable failure, RoutingContext ctx) {
    int status = statusOf(ctx);
    if (failure instanceof HttpException http) {
      return http.getCause() instanceof ValidatorException validation ? describe(validation)
          : forStatus(status, http.getPayload());
    }
    if (failure instanceof ValidatorException validation) {
      return describe(validation);
    }
    if (failure instanceof DecodeException) {
      return ApiException.badRequest("The request body is not valid JSON.");
    }
    if (DatabaseUnavailable.is(failure)) {
      return new ApiException(503, "The service cannot reach its database right now; please try again in a moment.");
    }
    if (DatabaseErrors.cancelled(failure)) {
      return new ApiException(503, "The database took too long to answer; please try again.");
    }
    if (failure == null) {
      return forStatus(status, null);
    }
    return new ApiException(500, "Something went wrong on our side. The error was logged; please try again.");
  }

  private static ApiException forStatus(int status, String payload) {
    return switch (status) {
      case 413 -> new ApiException(status, "The request body is larger than this server accepts.");
      case 404 -> new ApiException(status, "No such resource.");
      case 405 -> new ApiException(status, "This method is not allowed here.");
      case 401 -> new ApiException(status, "A valid access token is required.");
      case 403 -> new ApiException(status, "You are not allowed to do this.");
      default -> payload != null && !payload.isBlank() && status < 500 ? new ApiException(status, "{0}", payload)
          : status >= 500 ? new ApiException(status, "Something went wrong on our side; please try again.")
          : new ApiException(status, "The request was refused.");
    };
  }

  /** Turns the validator's output into a sentence that names the field. */
  static ApiException describe(ValidatorException e) {
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit unit = mostSpecific(schema.getOutputUnit());
      String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation().replaceFirst("^#?/?", "");
      String field = location.isEmpty() ? null : location.replace('/', '.');
      String error = unit.getError() == null ? "is invalid" : unit.getError();
      if (field != null && error.contains("additional properties")) {
        return ApiException.badRequest("Unknown field '{0}'.", field);
      }
      if (field != null) {
        return ApiException.badRequest("Invalid field '{0}': {1}", field, error);
      }
      return e.getMessage().startsWith("The value of the request body")
          ? ApiException.badRequest("Invalid request body: {0}", error)
          : parameter(e.getMessage(), error);
    }
    return ApiException.badRequest("{0}", e.getMessage());
  }

  private static final Pattern PARAMETER = Pattern.compile("The value of (query|header|path|cookie) parameter (\\S+) is invalid");

  /** "The value of query parameter from is invalid. Reason: …" names where and which. */
  private static ApiException parameter(String message, String error) {
    Matcher m = PARAMETER.matcher(message);
    return m.find() ? ApiException.badRequest("Invalid {0} '{1}': {2}", new ProblemTexts.Term("parameter", m.group(1) + "_parameter"),
        m.group(2), error) : ApiException.badRequest("Invalid request: {0}", error);
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
