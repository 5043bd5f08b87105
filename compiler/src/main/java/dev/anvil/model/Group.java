package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;

/**
 * A declared group. {@code provider} holds provider metadata (infrastructure groups only) that the
 * group's hosts inherit; {@code select} is optional membership by rule.
 */
public record Group(GroupName name, String description, ObjectNode provider, Selector select, SourceRef source) {}
