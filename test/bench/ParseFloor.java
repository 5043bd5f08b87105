import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark's floor: Jackson reading the same YAML input and writing a file_sd JSON of the
 * hosts, nothing else (no validation, resolution or rules). A compile cannot be cheaper than this.
 *
 * <p>Usage: java -cp anvil.jar ParseFloor FLEET_DIR OUT_FILE
 */
public class ParseFloor {
  public static void main(String[] args) throws Exception {
    Path fleet = Path.of(args[0]);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectMapper json = new ObjectMapper();
    ArrayNode targets = json.createArrayNode();
    List<Path> files;
    try (Stream<Path> s = Stream.of("inventory", "policies", "rules").map(fleet::resolve).filter(Files::isDirectory)
        .flatMap(ParseFloor::walk)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path f : files) {
      try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(f.toFile())) {
        while (docs.hasNext()) {
          JsonNode d = docs.next();
          if (d == null || !"Host".equals(d.path("kind").asText())) continue;
          ObjectNode group = targets.addObject();
          group.putArray("targets").add(d.get("address").asText() + ":9100");
          ObjectNode labels = group.putObject("labels");
          labels.put("instance", d.get("name").asText());
          labels.put("infrastructure", d.get("primary_group").asText());
          StringBuilder other = new StringBuilder();
          d.path("groups").forEach(g -> other.append(other.length() > 0 ? "," : "").append(g.asText()));
          labels.put("groups", other.toString());
        }
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(new File(args[1]), targets);
  }

  static Stream<Path> walk(Path p) {
    try {
      return Files.walk(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
