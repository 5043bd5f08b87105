package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;

/** A classification axis for groups. Lower priority numbers win. */
public record Namespace(String name, int priority, SourceRef source) {
  public static final String INFRASTRUCTURE = "infrastructure";

  public static List<Namespace> defaults() {
    SourceRef builtIn = SourceRef.builtIn("<built-in namespaces>");
    return List.of(
        new Namespace("environment", 10, builtIn),
        new Namespace("logical", 50, builtIn),
        new Namespace(INFRASTRUCTURE, 100, builtIn));
  }
}
