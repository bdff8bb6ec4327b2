package fr.cantou.platform.http;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseUnavailable;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

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
      if (http.getCause() instanceof ValidatorException validation) {
        return SchemaRefusal.of(validation, ctx);
      }
      // Its payload is the library's own English, maybe about its insides: kept for the log, never told.
      LOG.debug("event=request_refused_by_library status={} payload=\"{}\"", status, http.getPayload());
      return forStatus(status);
    }
    if (failure instanceof ValidatorException validation) {
      return SchemaRefusal.of(validation, ctx);
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
      return forStatus(status);
    }
    return new ApiException(500, "Something went wrong on our side. The error was logged; please try again.");
  }

  /** A status Vert.x or a library gave, in the project's words (problems/fr.json): every 4xx, never its own text. */
  private static ApiException forStatus(int status) {
    return switch (status) {
      case 400 -> new ApiException(status, "The request is malformed and could not be read.");
      case 401 -> new ApiException(status, "A valid access token is required.");
      case 403 -> new ApiException(status, "You are not allowed to do this.");
      case 404 -> new ApiException(status, "No such resource.");
      case 405 -> new ApiException(status, "This method is not allowed here.");
      case 406 -> new ApiException(status, "This resource cannot be given in a format the request accepts.");
      case 408 -> new ApiException(status, "The request took too long to arrive; please try again.");
      case 413 -> new ApiException(status, "The request body is larger than this server accepts.");
      case 414 -> new ApiException(status, "The address of the request is too long.");
      case 415 -> new ApiException(status, "This type of content is not accepted here.");
      case 429 -> new ApiException(status, "Too many requests; please wait a moment before trying again.");
      case 431 -> new ApiException(status, "The request's headers are too large.");
      default -> status >= 500 ? new ApiException(status, "Something went wrong on our side; please try again.")
          : new ApiException(status, "The request was refused.");
    };
  }
}
