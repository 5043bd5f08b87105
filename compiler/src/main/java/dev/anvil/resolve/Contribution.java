package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Position;
import dev.anvil.load.SourceRef;
import dev.anvil.model.Strategy;

/**
 * One source's value for one entry ({@code section.entry}), with where it was written.
 * Identity matters: hosts that see the same contributions share one resolution.
 */
public final class Contribution {
  private final Source source;
  private final String section;
  private final String entry;
  private final JsonNode value;
  private final Strategy strategy;
  private final SourceRef ref;
  private final String pointer;

  Contribution(Source source, String section, String entry, JsonNode value, Strategy strategy, SourceRef ref,
      String pointer) {
    this.source = source;
    this.section = section;
    this.entry = entry;
    this.value = value;
    this.strategy = strategy;
    this.ref = ref;
    this.pointer = pointer;
  }

  public Source source() {
    return source;
  }

  public String section() {
    return section;
  }

  public String entry() {
    return entry;
  }

  public JsonNode value() {
    return value;
  }

  public Strategy strategy() {
    return strategy;
  }

  public String file() {
    return ref.file();
  }

  /** Position of a leaf of this contribution ("" for the entry itself, "a.b" for nested keys). */
  public Position positionOf(String subPath) {
    if (subPath.isEmpty()) return ref.at(pointer);
    return ref.at(pointer + "/" + subPath.replace("~", "~0").replace("/", "~1").replace('.', '/'));
  }
}
