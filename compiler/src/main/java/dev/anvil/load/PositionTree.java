package dev.anvil.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Line and column of every node of one YAML document, addressed by JSON pointer. */
public final class PositionTree {
  static final PositionTree EMPTY = new PositionTree(1, 1, 1, 1);

  final int line;
  final int column;
  /** Where the key that holds this node starts (same as the value for array items and the root). */
  final int keyLine;
  final int keyColumn;
  Map<String, PositionTree> fields;
  List<PositionTree> items;

  PositionTree(int line, int column, int keyLine, int keyColumn) {
    this.line = line;
    this.column = column;
    this.keyLine = keyLine;
    this.keyColumn = keyColumn;
  }

  void putField(String name, PositionTree child) {
    if (fields == null) fields = new LinkedHashMap<>();
    fields.put(name, child);
  }

  void addItem(PositionTree child) {
    if (items == null) items = new ArrayList<>();
    items.add(child);
  }

  /**
   * The deepest node along a JSON pointer ("/hardware/accelerators/0/vendor"); stops at the last
   * node that exists, so a pointer to a missing property lands on its parent.
   */
  PositionTree find(String pointer) {
    PositionTree node = this;
    if (pointer == null || pointer.isEmpty() || pointer.equals("/")) return node;
    for (String raw : pointer.substring(1).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      PositionTree next = null;
      if (node.fields != null) next = node.fields.get(token);
      else if (node.items != null && token.chars().allMatch(Character::isDigit) && !token.isEmpty()) {
        int i = Integer.parseInt(token);
        if (i < node.items.size()) next = node.items.get(i);
      }
      if (next == null) return node;
      node = next;
    }
    return node;
  }
}
