package fr.cantou.platform.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The contract's schema repository, handing out one validator per schema for the life of the
 * process. vertx-json-schema 5.0 builds a validator for every request body and parameter it
 * checks, and each build copies the repository's whole lookup table (every schema of the API
 * and of the JSON Schema dialect): a tenth of a booking's CPU went there. A validator never
 * changes once built and the contract's schemas are fixed at start, so one per schema serves
 * every request, on any event loop.
 */
final class ReusedValidators implements SchemaRepository {
  private static final int MAX_KEPT = 10_000;
  private final SchemaRepository repository;
  private final Map<JsonSchema, Validator> bySchema = Collections.synchronizedMap(new IdentityHashMap<>());

  ReusedValidators(SchemaRepository repository) {
    this.repository = repository;
  }

  @Override
  public Validator validator(JsonSchema schema) {
    Validator known = bySchema.get(schema);
    if (known == null) {
      known = repository.validator(schema);
      // The contract's schemas are a few hundred objects; a caller making schemas per request
      // would fill the map: past this bound, validators are built as before, not kept.
      if (bySchema.size() < MAX_KEPT) {
        bySchema.put(schema, known);
      }
    }
    return known;
  }

  @Override
  public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
    repository.dereference(schema);
    return this;
  }

  @Override
  public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
    repository.dereference(uri, schema);
    return this;
  }

  @Override
  public SchemaRepository preloadMetaSchema(FileSystem fs) {
    repository.preloadMetaSchema(fs);
    return this;
  }

  @Override
  public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
    repository.preloadMetaSchema(fs, draft);
    return this;
  }

  @Override
  public Validator validator(String ref) {
    return repository.validator(ref);
  }

  @Override
  public Validator validator(String ref, JsonSchemaOptions options) {
    return repository.validator(ref, options);
  }

  @Override
  public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
    return repository.validator(schema, options, dereference);
  }

  @Override
  public JsonObject resolve(JsonObject schema) {
    return repository.resolve(schema);
  }

  @Override
  public JsonSchema find(String pointer) {
    return repository.find(pointer);
  }
}
