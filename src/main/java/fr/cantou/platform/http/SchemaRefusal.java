package fr.cantou.platform.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A refusal of the OpenAPI contract's validator in our own sentences (French in problems/fr.json): read from the keyword
 * that failed (maxLength, format, enum…) and the schema's own values (the limit, the allowed values). The validator's
 * own sentence ("String is too long (1001 > 1000)") is English only: passed on, a French reader got it untranslated.
 */
final class SchemaRefusal {
  /** Keywords that only say "something inside failed": the keyword that says what is wrong is preferred. */
  private static final Set<String> APPLICATORS = Set.of("properties", "items", "prefixItems", "additionalProperties",
      "patternProperties", "allOf", "anyOf", "oneOf", "not", "$ref", "if", "then", "else", "contains",
      "dependentSchemas", "propertyNames", "unevaluatedProperties", "unevaluatedItems");
  /** The parameter a message of vertx-openapi is about (its body's messages name none), from its first words only. */
  private static final Pattern PARAMETER = Pattern.compile("^(?:The value of|The related request / response does not contain"
      + " the required|The formatting of the value of|Values in style \\S+ with exploded=\\S+ are not supported for)"
      + " (query|header|path|cookie) parameter ([\\w.-]*\\w)");

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRefusal.class);
  /** The keywords whose output could not be read, said once each (bounded: they are the contract's own). */
  private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

  private SchemaRefusal() {}

  /**
   * The refusal in our words. An output of a shape this reading does not know (a later vertx-openapi, a keyword never
   * met) is still the client's mistake: a 400 with a plain sentence, never a 500 from the failure handler itself.
   */
  static ApiException of(ValidatorException e, RoutingContext ctx) {
    try {
      return worded(e, ctx);
    } catch (RuntimeException unread) {
      String keyword = keywordOf(e);
      if (SAID.size() < 100 && SAID.add(keyword)) {
        LOG.warn("event=schema_refusal_unread keyword={} type={}", keyword, e.type(), unread);
      }
      return ApiException.badRequest("The request is invalid: a field or a parameter does not have the expected form.");
    }
  }

  /** The keyword that failed, read as far as the output allows. */
  private static String keywordOf(ValidatorException e) {
    OutputUnit top = e instanceof SchemaValidationException schema ? schema.getOutputUnit() : null;
    List<String> path = List.of();
    try {
      path = pointer(mostSpecific(top).getKeywordLocation());
    } catch (RuntimeException deeperUnread) {
      path = top == null ? path : pointer(top.getKeywordLocation());
    }
    return path.isEmpty() ? String.valueOf(e.type()) : path.get(path.size() - 1);
  }

  private static ApiException worded(ValidatorException e, RoutingContext ctx) {
    Matcher parameter = PARAMETER.matcher(String.valueOf(e.getMessage()));
    boolean named = parameter.find();
    ProblemTexts.Term where = named ? new ProblemTexts.Term("parameter", parameter.group(1) + "_parameter") : null;
    if (e.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      // Without a parameter's name, what is missing is the body.
      return named ? ApiException.badRequest("Missing {0} '{1}'.", where, parameter.group(2))
          : ApiException.badRequest("A JSON request body is required.");
    }
    if (!(e instanceof SchemaValidationException schema) || schema.getOutputUnit() == null) {
      return named ? ApiException.badRequest("Invalid {0} '{1}'.", where, parameter.group(2))
          : ApiException.badRequest("The request is invalid.");
    }
    OutputUnit unit = mostSpecific(schema.getOutputUnit());
    List<String> keywordPath = pointer(unit.getKeywordLocation());
    String keyword = keywordPath.isEmpty() ? "" : keywordPath.get(keywordPath.size() - 1);
    JsonSchema root = named ? parameterSchema(ctx, parameter.group(1), parameter.group(2)) : bodySchema(ctx);
    JsonObject holder = at(root, keywordPath.subList(0, Math.max(0, keywordPath.size() - 1)));
    List<String> instancePath = pointer(unit.getInstanceLocation());
    String field = instancePath.isEmpty() ? null : String.join(".", instancePath);
    if (named) {
      ProblemTexts.Phrase expected = expected(keyword, holder);
      return expected == null ? ApiException.badRequest("Invalid {0} '{1}'.", where, parameter.group(2))
          : ApiException.badRequest("Invalid {0} '{1}': {2}", where, parameter.group(2), expected);
    }
    if ("additionalProperties".equals(keyword) && field != null) {
      return ApiException.badRequest("Unknown field '{0}'.", field);
    }
    if ("required".equals(keyword)) {
      String missing = missing(holder, instance(ctx, instancePath));
      if (missing != null) {
        return ApiException.badRequest("Missing field '{0}'.", field == null ? missing : field + "." + missing);
      }
    }
    ProblemTexts.Phrase expected = expected(keyword, holder);
    if (field != null) {
      return expected == null ? ApiException.badRequest("Invalid field '{0}'.", field)
          : ApiException.badRequest("Invalid field '{0}': {1}", field, expected);
    }
    return expected == null ? ApiException.badRequest("The request body is invalid.")
        : ApiException.badRequest("Invalid request body: {0}", expected);
  }

  /** What the keyword asks for, in the schema's own values; null when there is nothing plainer to say than "invalid". */
  static ProblemTexts.Phrase expected(String keyword, JsonObject schema) {
    if (schema == null) {
      return null;
    }
    Object value = schema.getValue(keyword);
    return switch (keyword) {
      case "type" -> typed(value instanceof JsonArray types ? types.getValue(0) : value);
      case "format" -> formatted(String.valueOf(value));
      case "minLength" -> Integer.valueOf(1).equals(value) ? new ProblemTexts.Phrase("it must not be blank.")
          : new ProblemTexts.Phrase("at least {0} characters.", value);
      case "maxLength" -> new ProblemTexts.Phrase("at most {0} characters.", value);
      case "pattern" -> "\\S".equals(value) ? new ProblemTexts.Phrase("it must not be blank.") : new ProblemTexts.Phrase("not in the expected form.");
      case "minimum", "maximum" -> schema.containsKey("minimum") && schema.containsKey("maximum")
          ? new ProblemTexts.Phrase("from {0} to {1}.", schema.getValue("minimum"), schema.getValue("maximum"))
          : "minimum".equals(keyword) ? new ProblemTexts.Phrase("at least {0}.", value) : new ProblemTexts.Phrase("at most {0}.", value);
      case "exclusiveMinimum" -> new ProblemTexts.Phrase("more than {0}.", value);
      case "exclusiveMaximum" -> new ProblemTexts.Phrase("less than {0}.", value);
      case "enum" -> value instanceof JsonArray allowed ? new ProblemTexts.Phrase("one of: {0}.", allowed.getList()) : null;
      case "minItems" -> new ProblemTexts.Phrase("at least {0} items.", value);
      case "maxItems" -> new ProblemTexts.Phrase("at most {0} items.", value);
      case "uniqueItems" -> new ProblemTexts.Phrase("each value at most once.");
      default -> null;
    };
  }

  /** The JSON type expected, said as what a person would give. */
  static ProblemTexts.Phrase typed(Object type) {
    return switch (String.valueOf(type)) {
      case "string" -> new ProblemTexts.Phrase("a text is expected.");
      case "integer" -> new ProblemTexts.Phrase("a whole number is expected.");
      case "number" -> new ProblemTexts.Phrase("a number is expected.");
      case "boolean" -> new ProblemTexts.Phrase("true or false is expected.");
      case "array" -> new ProblemTexts.Phrase("a list is expected.");
      case "object" -> new ProblemTexts.Phrase("an object is expected.");
      default -> null;
    };
  }

  /** The formats of the contract, each with an example. */
  static ProblemTexts.Phrase formatted(String format) {
    return switch (format) {
      case "date-time" -> new ProblemTexts.Phrase("a date and time such as 2026-12-07T09:30:00+01:00.");
      case "date" -> new ProblemTexts.Phrase("a date such as 2026-12-07.");
      case "uuid" -> new ProblemTexts.Phrase("an identifier such as 0b7e7dee-87ab-4b7c-9a43-0d6c2b4b7e0f.");
      default -> null;
    };
  }

  /**
   * The error that names the field and says what is wrong: the deepest instance location, and there a keyword such
   * as maxLength over one that only reports a failure inside it ("properties", and "additionalProperties", which
   * this validator also reports for a declared property that failed).
   */
  static OutputUnit mostSpecific(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    if (errors == null || errors.isEmpty()) {
      return unit;
    }
    OutputUnit best = errors.get(0);
    for (OutputUnit candidate : errors) {
      int depth = pointer(candidate.getInstanceLocation()).size() - pointer(best.getInstanceLocation()).size();
      if (depth > 0 || depth == 0 && rank(candidate) > rank(best)) {
        best = candidate;
      }
    }
    return best;
  }

  private static int rank(OutputUnit unit) {
    List<String> path = pointer(unit.getKeywordLocation());
    String keyword = path.isEmpty() ? "" : path.get(path.size() - 1);
    return "additionalProperties".equals(keyword) ? 0 : APPLICATORS.contains(keyword) ? 1 : 2;
  }

  /** The first name the schema requires that the object lacks. */
  private static String missing(JsonObject schema, Object instance) {
    if (schema == null || !(schema.getValue("required") instanceof JsonArray required)) {
      return null;
    }
    for (Object name : required) {
      if (!(instance instanceof JsonObject object) || !object.containsKey(String.valueOf(name))) {
        return String.valueOf(name);
      }
    }
    return null;
  }

  private static Object instance(RoutingContext ctx, List<String> path) {
    Object node;
    try {
      node = ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (RuntimeException notAnObject) {
      return null;
    }
    for (String step : path) {
      node = node instanceof JsonObject object ? object.getValue(step)
          : node instanceof JsonArray array && step.matches("\\d{1,9}") && Integer.parseInt(step) < array.size()
          ? array.getValue(Integer.parseInt(step)) : null;
    }
    return node;
  }

  private static JsonSchema bodySchema(RoutingContext ctx) {
    Operation operation = ApiContract.operationOf(ctx);
    if (operation == null || operation.getRequestBody() == null) {
      return null;
    }
    MediaType json = operation.getRequestBody().getContent().get("application/json");
    return json == null ? null : json.getSchema();
  }

  private static JsonSchema parameterSchema(RoutingContext ctx, String in, String name) {
    Operation operation = ApiContract.operationOf(ctx);
    if (operation == null) {
      return null;
    }
    for (Parameter parameter : operation.getParameters()) {
      if (parameter.getName().equals(name) && parameter.getIn().name().equalsIgnoreCase(in)) {
        return parameter.getSchema();
      }
    }
    return null;
  }

  /**
   * The schema object at the path; null when not found. A {@code $ref} on the way is the schema it names already
   * (the contract's schemas are dereferenced when compiled), else looked up in the contract.
   */
  private static JsonObject at(JsonSchema root, List<String> path) {
    if (root == null) {
      return null;
    }
    Object node = root;
    for (String step : path) {
      if ("$ref".equals(step) && get(node, step) instanceof String ref && ref.contains("#/")) {
        node = ApiContract.raw(pointer(ref));
      } else if (!"$ref".equals(step)) {
        node = get(node, step);
      }
    }
    return node instanceof JsonObject object ? object : node instanceof JsonSchema schema ? copy(schema) : null;
  }

  private static Object get(Object node, String step) {
    if (node instanceof JsonSchema schema) {
      return schema.get(step);
    }
    if (node instanceof JsonObject object) {
      return object.getValue(step);
    }
    if (node instanceof JsonArray array && step.matches("\\d{1,9}") && Integer.parseInt(step) < array.size()) {
      return array.getValue(Integer.parseInt(step));
    }
    return null;
  }

  private static JsonObject copy(JsonSchema schema) {
    JsonObject object = new JsonObject();
    for (String name : schema.fieldNames()) {
      object.put(name, (Object) schema.get(name));
    }
    return object;
  }

  /** "#/properties/citizen/properties/name" as its steps, JSON Pointer escapes undone. */
  static List<String> pointer(String location) {
    String path = location == null ? "" : location.substring(Math.max(0, location.indexOf('#') + 1));
    if (path.isEmpty() || "/".equals(path)) {
      return List.of();
    }
    return java.util.Arrays.stream(path.substring(path.startsWith("/") ? 1 : 0).split("/", -1))
        .map(step -> step.replace("~1", "/").replace("~0", "~")).toList();
  }
}
