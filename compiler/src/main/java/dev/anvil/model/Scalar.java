package dev.anvil.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A scalar of the input as the value a consumer's config reads. */
public final class Scalar {
  private Scalar() {}

  /**
   * A boolean, a whole number as a long (also when written 2.0: JSON Schema's integers include it,
   * and Prometheus's and Alertmanager's counts take no float), another number as itself, else text.
   */
  public static Object valueOf(JsonNode v) {
    if (v.isBoolean()) return v.asBoolean();
    if (v.isNumber()) return v.canConvertToExactIntegral() ? (Object) v.asLong() : v.numberValue();
    return v.asText();
  }
}
