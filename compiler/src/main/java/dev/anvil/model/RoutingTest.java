package dev.anvil.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;

/** "An alert with these labels (on this host, at this time) goes to these receivers / is inhibited / is muted." */
public record RoutingTest(
    String name,
    String host,
    Map<String, String> labels,
    String at,
    List<Map<String, String>> firing,
    JsonNode expect,
    SourceRef source) {}
