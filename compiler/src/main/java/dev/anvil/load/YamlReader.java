package dev.anvil.load;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import dev.anvil.diag.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into Jackson trees with limits for untrusted input.
 *
 * <p>Jackson's YAML parser turns an alias ({@code *x}) into the plain string "x", silently. This
 * reader resolves aliases itself, counting the nodes each one expands to so that an alias bomb is
 * an error instead of an exponential tree. Merge keys ({@code <<}) are rejected rather than kept as
 * a literal key.
 */
public final class YamlReader {
  /** Nodes that aliases of one file may expand to, in total. */
  static final int MAX_ALIAS_EXPANSION = 10_000;

  private static final YAMLFactory FACTORY = createFactory();

  private static YAMLFactory createFactory() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(256 * 1024 * 1024);
    options.setNestingDepthLimit(Limits.MAX_DEPTH);
    YAMLFactory f = YAMLFactory.builder()
        .loaderOptions(options)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Limits.MAX_DEPTH).build())
        .build();
    // Duplicate keys are refused where the tree is built (Builder#object). Jackson's own detection
    // (which LoaderOptions#setAllowDuplicateKeys(false) turns on) keeps a second set of every
    // mapping's keys: 1 % of a compile's CPU.
    return f;
  }

  private YamlReader() {}

  /** Parses every document of a file; reports problems to {@code diagnostics} and returns what parsed. */
  public static List<Document> read(SourceFile file, Diagnostics diagnostics) {
    List<Document> docs = new ArrayList<>();
    return read(file, diagnostics, docs::add) ? docs : List.of();
  }

  /**
   * Hands each document of a file to {@code each} as soon as it is parsed, so that its tree can die
   * before the next is built. Returns false, after reporting why, when the file is not YAML: the
   * documents handed over so far must then be dropped, as the file as a whole is broken.
   */
  public static boolean read(SourceFile file, Diagnostics diagnostics, java.util.function.Consumer<Document> each) {
    return read(file, diagnostics, each, null);
  }

  /**
   * {@link #read(SourceFile, Diagnostics, java.util.function.Consumer)}, taking top-level entries seen
   * before in {@code shared} (null: none) from there instead of parsing them again.
   */
  public static boolean read(SourceFile file, Diagnostics diagnostics, java.util.function.Consumer<Document> each,
      SharedEntries shared) {
    YamlError tooLong = longRun(file);
    if (tooLong != null) {
      diagnostics.error(tooLong.position, tooLong.getMessage());
      return false;
    }
    List<Document> fromShared = shared == null ? null : shared.read(file);
    if (fromShared != null) {
      fromShared.forEach(each);
      return true;
    }
    try {
      new Builder(file, false, 0).run((index, startLine, root, positions) -> {
        if (root != null) each.accept(new Document(new SourceRef(file, index, startLine), root));
      });
    } catch (YamlError e) {
      diagnostics.error(e.position, e.getMessage());
      return false;
    }
    return true;
  }

  /**
   * Where a line passes {@link Limits#MAX_LINE_CHARS}, or a run of characters without white space
   * passes {@link Limits#MAX_RUN_CHARS}, or null. A run lies within a line, so only a line longer
   * than a run may hold either: from a line's start, the last line break within a run's length ends
   * the lines that are shorter, and the text is crossed a run's length at a time.
   */
  static YamlError longRun(SourceFile file) {
    String t = file.text();
    int line = 1;
    int counted = 0;  // line breaks before this index are counted in line
    int at = 0;  // a line's start
    while (at + Limits.MAX_RUN_CHARS < t.length()) {
      int lastBreak = t.lastIndexOf('\n', at + Limits.MAX_RUN_CHARS);
      if (lastBreak >= at) {
        at = lastBreak + 1;
        continue;
      }
      for (int i = t.indexOf('\n', counted); i >= 0 && i < at; i = t.indexOf('\n', i + 1)) line++;
      counted = at;
      int end = t.indexOf('\n', at);
      if (end < 0) end = t.length();
      YamlError e = longRun(file, t, line, at, end);
      if (e != null) return e;
      at = end + 1;
    }
    return null;
  }

  /** The first place in the line at [lineStart, end) where a run or the line itself is too long. */
  private static YamlError longRun(SourceFile file, String t, int line, int lineStart, int end) {
    int runStart = lineStart;
    for (int i = lineStart; i < end; i++) {
      char c = t.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r') {
        runStart = i + 1;
      } else if (i - runStart >= Limits.MAX_RUN_CHARS) {
        return new YamlError(new Position(file.path(), line, runStart - lineStart + 1), "more than "
            + Limits.MAX_RUN_CHARS + " characters without a space or line break; no value is that long");
      }
      if (i - lineStart >= Limits.MAX_LINE_CHARS) {
        return new YamlError(new Position(file.path(), line, 1), "a line longer than " + Limits.MAX_LINE_CHARS
            + " characters; break it into lines");
      }
    }
    return null;
  }

  /**
   * The roots of the documents of {@code text}, null for an empty one; null when it does not parse or
   * breaks a limit. For texts made of a file's parts ({@link SharedEntries}): their errors would point
   * elsewhere, so they are not reported.
   */
  static List<JsonNode> parseStream(String path, String text) {
    List<JsonNode> roots = new ArrayList<>();
    try {
      new Builder(new SourceFile(path, text), false, 0).run((index, startLine, root, positions) -> roots.add(root));
    } catch (YamlError e) {
      return null;
    }
    return roots;
  }

  static List<PositionTree> positionsOf(SourceFile file) {
    List<PositionTree> trees = new ArrayList<>();
    try {
      new Builder(file, true, 0).run((index, startLine, root, positions) -> trees.add(positions));
    } catch (YamlError e) {
      // the file was read successfully before; a failure here only loses precise positions
    }
    return trees;
  }

  /**
   * The position tree of the one document in {@code text}, a file's lines from {@code firstLine} on,
   * with the file's line numbers; null unless it holds exactly one document and that one's first
   * token is on {@code startLine}.
   */
  static PositionTree positionsOfDocument(SourceFile file, String text, int firstLine, int startLine) {
    List<PositionTree> trees = new ArrayList<>();
    int[] starts = new int[1];
    try {
      new Builder(new SourceFile(file.path(), text), true, firstLine - 1).run((index, start, root, positions) -> {
        trees.add(positions);
        starts[0] = start;
      });
    } catch (YamlError e) {
      return null;
    }
    return trees.size() == 1 && starts[0] == startLine ? trees.get(0) : null;
  }

  private interface DocumentSink {
    void accept(int index, int startLine, JsonNode root, PositionTree positions);
  }

  private static final class YamlError extends Exception {
    final Position position;

    YamlError(Position position, String message) {
      super(message);
      this.position = position;
    }
  }

  /** Builds trees token by token: the only way to see aliases and anchors through Jackson. */
  private static final class Builder {
    private final SourceFile file;
    private final boolean trackPositions;
    /** Lines before the text's first: lines and positions are the file's when the text is a part of it. */
    private final int lineOffset;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Map<String, Integer> anchorSizes = new HashMap<>();
    private int expanded;
    private int lastSize;
    private YAMLParser parser;

    Builder(SourceFile file, boolean trackPositions, int lineOffset) {
      this.file = file;
      this.trackPositions = trackPositions;
      this.lineOffset = lineOffset;
    }

    void run(DocumentSink sink) throws YamlError {
      try (YAMLParser p = (YAMLParser) FACTORY.createParser(file.text())) {
        parser = p;
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (index >= Limits.MAX_DOCUMENTS) {
            throw new YamlError(here(), "more than " + Limits.MAX_DOCUMENTS + " YAML documents in one file;"
                + " split it into several files");
          }
          anchors.clear();  // anchors are scoped to their document
          anchorSizes.clear();
          JsonLocation start = p.currentTokenLocation();
          PositionTree pos = trackPositions ? tree(start, start) : null;
          JsonNode root = value(t, pos);
          // an empty document (a trailing "---", say) is no document, as "--- ~" is none: YAML reads it as
          // null, Jackson as an empty string (and so a document of just "" is none either)
          boolean empty = root.isNull() || root.isTextual() && root.asText().isEmpty();
          sink.accept(index++, start.getLineNr() + lineOffset, empty ? null : root, pos);
        }
      } catch (JacksonException e) {
        throw syntaxError(e);
      } catch (IOException e) {
        throw new YamlError(Position.ofFile(file.path()), "cannot read: " + e.getMessage());
      }
    }

    private JsonNode value(JsonToken t, PositionTree pos) throws IOException, YamlError {
      String anchor = parser.getObjectId();
      if (parser.isCurrentAlias()) return alias(parser.getText());
      JsonNode node;
      int[] size = {1};  // nodes in this subtree, aliases counted at their expanded size
      switch (t) {
        case START_OBJECT -> node = object(pos, size);
        case START_ARRAY -> node = array(pos, size);
        case VALUE_STRING -> node = nodes.textNode(scalar(parser.getText()));
        case VALUE_NUMBER_INT -> node = intNode();
        case VALUE_NUMBER_FLOAT -> node = nodes.numberNode(finite(parser.getDecimalValue()));
        case VALUE_TRUE -> node = nodes.booleanNode(true);
        case VALUE_FALSE -> node = nodes.booleanNode(false);
        case VALUE_NULL -> node = nodes.nullNode();
        default -> throw new YamlError(here(), "unexpected YAML token " + t);
      }
      if (anchor != null) {
        anchors.put(anchor, node);
        anchorSizes.put(anchor, size[0]);
      }
      lastSize = size[0];
      return node;
    }

    private JsonNode intNode() throws IOException, YamlError {
      return switch (parser.getNumberType()) {
        case INT -> nodes.numberNode(parser.getIntValue());
        case LONG -> nodes.numberNode(parser.getLongValue());
        default -> nodes.numberNode(finite(new java.math.BigDecimal(parser.getBigIntegerValue())).toBigInteger());
      };
    }

    /** Every number ends up in a float64 somewhere (PromQL, JSON): one beyond its range is refused here. */
    private java.math.BigDecimal finite(java.math.BigDecimal value) throws YamlError {
      if (Double.isInfinite(value.doubleValue())) {
        throw new YamlError(here(), "number " + Text.shown(value.toString()) + " is beyond what Prometheus"
            + " and JSON can represent (about ±1.8e308)");
      }
      return value;
    }

    private ObjectNode object(PositionTree pos, int[] size) throws IOException, YamlError {
      ObjectNode obj = nodes.objectNode();
      JsonToken t;
      while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = scalar(parser.currentName());
        if (name.equals("<<")) {
          throw new YamlError(here(), "YAML merge keys ('<<') are not supported;"
              + " share values through group policies instead");
        }
        if (obj.has(name)) throw new YamlError(here(), "duplicate key '" + Text.shown(name) + "'");
        // locations cost an object per token: only taken when positions are wanted
        JsonLocation keyLoc = trackPositions ? parser.currentTokenLocation() : null;
        JsonToken vt = parser.nextToken();
        PositionTree child = trackPositions ? tree(parser.currentTokenLocation(), keyLoc) : null;
        JsonNode v = value(vt, child);
        size[0] += lastSize;
        obj.set(name, v);
        if (pos != null) pos.putField(name, child);
      }
      if (t != JsonToken.END_OBJECT) throw new YamlError(here(), "unexpected YAML token " + t);
      return obj;
    }

    private ArrayNode array(PositionTree pos, int[] size) throws IOException, YamlError {
      ArrayNode arr = nodes.arrayNode();
      JsonToken t;
      while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) throw new YamlError(here(), "unexpected end of YAML input");
        PositionTree child = null;
        if (trackPositions) {
          JsonLocation loc = parser.currentTokenLocation();
          child = tree(loc, loc);
        }
        JsonNode v = value(t, child);
        size[0] += lastSize;
        arr.add(v);
        if (pos != null) pos.addItem(child);
      }
      return arr;
    }

    private String scalar(String text) throws YamlError {
      if (text.length() > Limits.MAX_SCALAR_CHARS) {
        throw new YamlError(here(), "a value of " + text.length() + " characters; the limit is "
            + Limits.MAX_SCALAR_CHARS);
      }
      return text;
    }

    private JsonNode alias(String name) throws YamlError {
      JsonNode target = anchors.get(name);
      if (target == null) {
        throw new YamlError(here(), "unknown YAML alias '*" + name + "' (anchors work on maps and lists only,"
            + " not on single values)");
      }
      lastSize = anchorSizes.getOrDefault(name, 1);
      expanded += lastSize;
      if (expanded > MAX_ALIAS_EXPANSION) {
        throw new YamlError(here(), "YAML aliases expand to more than " + MAX_ALIAS_EXPANSION
            + " nodes in this file (an alias bomb?); refusing to expand further");
      }
      // shared, not copied: trees are never mutated after loading
      return target;
    }

    private PositionTree tree(JsonLocation value, JsonLocation key) {
      return new PositionTree(value.getLineNr() + lineOffset, value.getColumnNr(), key.getLineNr() + lineOffset,
          key.getColumnNr());
    }

    private Position here() {
      return position(parser.currentTokenLocation());
    }

    private Position position(JsonLocation l) {
      return new Position(file.path(), Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    private YamlError syntaxError(JacksonException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof MarkedYAMLException m && m.getProblemMark() != null) {
          String msg = "YAML syntax error: " + m.getProblem()
              + (m.getContext() != null ? " (" + m.getContext() + ")" : "");
          var mark = m.getProblemMark();
          return new YamlError(new Position(file.path(), mark.getLine() + 1, mark.getColumn() + 1), msg);
        }
      }
      JsonLocation l = e.getLocation();
      if (l == null || l.getLineNr() <= 0) l = parser != null ? parser.currentLocation() : null;
      String msg = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
      if (msg.toLowerCase(java.util.Locale.ROOT).contains("nesting depth")) {
        msg = "maps and lists nested deeper than " + Limits.MAX_DEPTH + " levels";
      } else {
        // the parser's words without its class names
        msg = "YAML syntax error: " + msg.replaceAll("\\b(?:[a-z]+\\.)+[A-Z]\\w*(?:Exception|Error)\\b:?\\s*", "");
      }
      return new YamlError(l != null && l.getLineNr() > 0 ? position(l) : Position.ofFile(file.path()), msg);
    }
  }
}
