package dev.anvil.load;

import com.fasterxml.jackson.databind.JsonNode;

/** One YAML document of a source file: its tree, and a way back to positions in the text. */
public record Document(SourceRef ref, JsonNode root) {

  public String kind() {
    JsonNode k = root.get("kind");
    return k != null && k.isTextual() ? k.asText() : "";
  }

  public String file() {
    return ref.file();
  }
}
