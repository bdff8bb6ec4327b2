package fr.cantou.platform.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.support.Api;
import fr.cantou.support.LogLines;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputErrorType;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator's output read in a shape {@link SchemaRefusal} does not know (a later vertx-openapi, a keyword never
 * met) is still the client's 400 with a plain sentence, never a 500; the node says it once, at WARN, with the keyword.
 */
class SchemaRefusalGuardTest {

  /** A body's refusal whose list of errors holds a hole where an error was expected: no reading of it holds. */
  static SchemaValidationException unknownShape(String keyword) {
    OutputUnit top = new OutputUnit("", "#/properties/citizen/" + keyword, "#/properties/citizen/" + keyword,
        "something new", OutputErrorType.INVALID_VALUE);
    top.setErrors(Arrays.asList(new OutputUnit("/citizen", "#/" + keyword, "#/" + keyword, "new", OutputErrorType.INVALID_VALUE),
        null));
    return new SchemaValidationException("The value of the request body is invalid. Reason: something new",
        ValidatorErrorType.INVALID_VALUE, top, null);
  }

  @Test
  void an_output_it_does_not_know_is_a_400_in_plain_french_and_said_once_at_warn_with_its_keyword() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SchemaRefusal.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      for (int i = 0; i < 3; i++) {
        ApiException refusal = SchemaRefusal.of(unknownShape("x-never-met"), null);
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.detail(Locale.FRENCH))
            .isEqualTo("La requête est invalide : un champ ou un paramètre n’a pas la forme attendue.");
        assertThat(refusal.detail(Locale.ENGLISH))
            .isEqualTo("The request is invalid: a field or a parameter does not have the expected form.");
      }
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(LogLines.of(lines)).filteredOn(line -> line.getLevel().isGreaterOrEqual(Level.WARN))
        .singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
            .contains("event=schema_refusal_unread").contains("keyword=x-never-met"));
  }

  /** Through the failure handler, as the API's router hands it a refusal of the validator: a problem, not a 500. */
  @Test
  void through_the_failure_handler_the_client_gets_that_400_problem() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      router.post("/refused").handler(ctx -> ctx.fail(new HttpException(400, "refused", unknownShape("x-never-met-either"))));
      router.route().failureHandler(new ProblemHandler());
      int port = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
      Api.Response answer = new Api(port).send("POST", "/refused", null, "{}",
          Map.of("Content-Type", "application/json", "Accept-Language", "fr"));
      assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
      assertThat(answer.isProblem()).isTrue();
      assertThat(answer.detail()).isEqualTo("La requête est invalide : un champ ou un paramètre n’a pas la forme attendue.");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
