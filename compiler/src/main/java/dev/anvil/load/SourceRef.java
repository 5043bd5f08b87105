package dev.anvil.load;

import dev.anvil.diag.Position;

/** Where a model object was declared: a document of a source file. Positions resolve lazily. */
public record SourceRef(SourceFile source, int documentIndex, int startLine) {

  /** For objects that have no source text, such as built-in defaults. */
  public static SourceRef builtIn(String name) {
    return new SourceRef(new SourceFile(name, ""), 0, 0);
  }

  public String file() {
    return source.path();
  }

  public Position at(String pointer) {
    if (startLine == 0) return Position.ofFile(source.path());
    PositionTree t = source.positions(documentIndex, startLine).find(pointer);
    return new Position(source.path(), t.line, t.column);
  }

  public Position keyAt(String pointer) {
    if (startLine == 0) return Position.ofFile(source.path());
    PositionTree t = source.positions(documentIndex, startLine).find(pointer);
    return new Position(source.path(), t.keyLine, t.keyColumn);
  }

  @Override
  public String toString() {
    return source.path();
  }
}
