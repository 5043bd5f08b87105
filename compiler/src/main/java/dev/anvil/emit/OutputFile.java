package dev.anvil.emit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A generated file: path relative to the output directory, and its bytes — UTF-8 text with LF line
 * endings, encoded once, when the emitter made it, so that comparing and writing out/ never encode
 * 100 MB of inventory again.
 */
public final class OutputFile {
  private final String path;
  private final byte[] bytes;

  public OutputFile(String path, byte[] bytes) {
    this.path = path;
    this.bytes = bytes;
  }

  public OutputFile(String path, String content) {
    this(path, content.getBytes(StandardCharsets.UTF_8));
  }

  public String path() {
    return path;
  }

  /** The file's bytes, shared: do not modify. */
  public byte[] bytes() {
    return bytes;
  }

  /** The file's text (decoded on each call: for tests, diffs and previews, not for writing). */
  public String content() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputFile f && path.equals(f.path) && Arrays.equals(bytes, f.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * path.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "OutputFile[" + path + ", " + bytes.length + " bytes]";
  }
}
