package dev.anvil.emit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A generated file: path relative to the output directory, and its bytes — UTF-8 text with LF line
 * endings, encoded once when the emitter made it. A large file may be a sequence of parts (the
 * inventory: one per host), written and compared part by part, never joined into one copy.
 */
public final class OutputFile {
  private final String path;
  private final List<byte[]> parts;
  private final long size;

  private OutputFile(String path, List<byte[]> parts, long size) {
    this.path = path;
    this.parts = parts;
    this.size = size;
  }

  private OutputFile(String path, List<byte[]> parts) {
    this(path, parts, sizeOf(parts));
  }

  private static long sizeOf(List<byte[]> parts) {
    long n = 0;
    for (byte[] p : parts) n += p.length;
    return n;
  }

  public OutputFile(String path, byte[] bytes) {
    this(path, List.of(bytes));
  }

  public OutputFile(String path, String content) {
    this(path, content.getBytes(StandardCharsets.UTF_8));
  }

  /** A file made of parts already encoded, in order (the list is kept, not copied: do not modify it). */
  public static OutputFile ofParts(String path, List<byte[]> parts) {
    return new OutputFile(path, parts);
  }

  /**
   * A file's parts as an emitter adds them, counted as they come: a file of a million parts is not
   * summed again in a loop of its own, which would run once, in the interpreter.
   */
  public static final class Parts {
    private final List<byte[]> parts;
    private long size;

    /** @param expected how many parts, roughly */
    public Parts(int expected) {
      this.parts = new java.util.ArrayList<>(expected);
    }

    /** Adds a part (kept, not copied: do not modify it). */
    public void add(byte[] part) {
      parts.add(part);
      size += part.length;
    }

    public OutputFile finish(String path) {
      assert size == sizeOf(parts);
      return new OutputFile(path, parts, size);
    }
  }

  public String path() {
    return path;
  }

  /** Length in bytes. */
  public long size() {
    return size;
  }

  /**
   * Writes the bytes in slices of at most 64 KiB: a file channel copies each write through a
   * temporary direct buffer as large as the write, which it then keeps per thread.
   */
  public void writeTo(OutputStream out) throws IOException {
    for (byte[] p : parts) {
      for (int at = 0; at < p.length; at += SLICE) out.write(p, at, Math.min(SLICE, p.length - at));
    }
  }

  private static final int SLICE = 1 << 16;

  /** Writes the file at {@code target} (created or truncated). */
  public void writeTo(java.nio.file.Path target) throws IOException {
    try (OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(target), SLICE)) {
      writeTo(out);
    }
  }

  /**
   * Whether {@code in} holds exactly this file's bytes, read 64 KiB at a time whatever the parts'
   * sizes (a target file is a million small parts).
   */
  public boolean sameAs(InputStream in) throws IOException {
    byte[] buffer = new byte[SLICE];
    int have = 0;
    int at = 0;
    for (byte[] p : parts) {
      for (int done = 0; done < p.length; ) {
        if (at == have) {
          have = in.readNBytes(buffer, 0, buffer.length);
          at = 0;
          if (have == 0) return false;
        }
        int n = Math.min(have - at, p.length - done);
        if (!Arrays.equals(buffer, at, at + n, p, done, done + n)) return false;
        at += n;
        done += n;
      }
    }
    return at == have && in.read() == -1;
  }

  /** The file's bytes in one array (joined on each call when it has several parts). */
  public byte[] bytes() {
    if (parts.size() == 1) return parts.get(0);
    if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException(path + " is over 2 GB");
    byte[] out = new byte[(int) size];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** The file's text (decoded on each call: for tests, diffs and previews, not for writing). */
  public String content() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputFile f && path.equals(f.path) && size == f.size && Arrays.equals(bytes(), f.bytes());
  }

  @Override
  public int hashCode() {
    return 31 * path.hashCode() + Long.hashCode(size);
  }

  @Override
  public String toString() {
    return "OutputFile[" + path + ", " + size + " bytes]";
  }
}
