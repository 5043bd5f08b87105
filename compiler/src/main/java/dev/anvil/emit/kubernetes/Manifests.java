package dev.anvil.emit.kubernetes;

import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes objects as Anvil writes them: labelled as Anvil's, with every string value quoted
 * (kubectl and the operators read YAML 1.1, where an unquoted {@code 0x20B010DE} is a number and
 * {@code yes} a boolean).
 */
public final class Manifests {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private Manifests() {}

  /**
   * The head — apiVersion, kind, metadata — of an object Anvil owns (labelled managed-by anvil), for
   * the caller to add its spec or data to.
   *
   * @param namespace null for a cluster-scoped object
   * @param labels besides Anvil's own managed-by label
   */
  public static Map<String, Object> object(String apiVersion, String kind, String name, String namespace,
      Map<String, String> labels) {
    Map<String, String> all = new TreeMap<>(labels);
    all.put(MANAGED_BY, "anvil");
    return head(apiVersion, kind, name, namespace, all);
  }

  /** The head of an object of which Anvil sets only these labels (a Node): no managed-by label. */
  static Map<String, Object> labelsOnly(String apiVersion, String kind, String name, Map<String, String> labels) {
    return head(apiVersion, kind, name, null, labels);
  }

  private static Map<String, Object> head(String apiVersion, String kind, String name, String namespace,
      Map<String, String> labels) {
    Map<String, Object> metadata = new TreeMap<>();
    metadata.put("name", name);
    if (namespace != null) metadata.put("namespace", namespace);
    metadata.put("labels", labels);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.put("metadata", metadata);
    return o;
  }

  /** One object in a file, under the "generated" header. */
  static OutputFile file(String path, Object object) {
    return new OutputFile(path, "# " + Output.GENERATED + "\n" + Output.yamlTextQuoted(object));
  }

  /** Several objects in one file, each its own YAML document, after a line that says how to apply them. */
  public static OutputFile documents(String path, String howToApply, List<?> objects) {
    StringBuilder text = new StringBuilder("# " + Output.GENERATED + "\n# " + howToApply + "\n");
    for (Object o : objects) text.append("---\n").append(Output.yamlTextQuoted(o));
    return new OutputFile(path, text.toString());
  }
}
