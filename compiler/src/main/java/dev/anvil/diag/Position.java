package dev.anvil.diag;

/** A place in a source file: repo-relative path, 1-based line and column. */
public record Position(String file, int line, int column) implements Comparable<Position> {

  public static Position ofFile(String file) {
    return new Position(file, 0, 0);
  }

  @Override
  public int compareTo(Position o) {
    int c = file.compareTo(o.file);
    if (c != 0) return c;
    c = Integer.compare(line, o.line);
    return c != 0 ? c : Integer.compare(column, o.column);
  }

  @Override
  public String toString() {
    if (line <= 0) return file;
    return file + ":" + line + ":" + column;
  }
}
