package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.model.GroupName;
import java.util.Map;

/**
 * A group that is a Kubernetes node pool (its own policy declares {@code kubernetes.pool}): its
 * settings resolved over the group and its ancestors, as a host in that group alone would get
 * them. Its nodes are made on demand, so it has no hosts.
 */
public record ResolvedPool(GroupName group, Map<String, ResolvedSection> sections) {
  private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

  public ObjectNode section(String name) {
    ResolvedSection s = sections.get(name);
    return s == null ? EMPTY : s.values();
  }

  /** The pool's settings as one of its nodes would have them: for rules that judge a node, such as alert classes. */
  public ResolvedHost asNode(dev.anvil.model.Host node) {
    return new ResolvedHost(node, java.util.List.of(group), sections);
  }

  /** Every provenance entry, keyed "section.entry.leaf". */
  public java.util.SortedMap<String, Provenance> provenance() {
    return ResolvedSection.provenance(sections);
  }

  /** The resolved {@code kubernetes.pool} entry. */
  public JsonNode settings() {
    return section(Resolver.KUBERNETES).get("pool");
  }
}
