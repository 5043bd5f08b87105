package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;

/**
 * A host as declared. Its labels and provider metadata are the host's own contributions; the
 * effective values (with group contributions) live in the resolved model.
 */
public record Host(
    String name,
    String address,
    GroupName primaryGroup,
    List<GroupName> groups,
    Map<String, String> labels,
    ObjectNode provider,
    Hardware hardware,
    SourceRef source) {

  /** A host name as host.schema.json allows it: it names files, so no '/'. For what comes from outside (imports, registration). */
  public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?");
}
