package dev.anvil.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A file of parts is the concatenation of its parts, compared and written without joining them. */
class OutputFileTest {
  private static final byte[] BIG = new byte[200_000];

  static {
    new Random(7).nextBytes(BIG);
  }

  private static OutputFile parts() {
    return OutputFile.ofParts("ansible/inventory.yml", List.of(bytes("head\n"), BIG, bytes(""), bytes("tail\n")));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] joined() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes("head\n"));
    out.writeBytes(BIG);
    out.writeBytes(bytes("tail\n"));
    return out.toByteArray();
  }

  @Test
  void comparesAcrossPartBoundariesAndToTheLastByte() throws Exception {
    OutputFile f = parts();
    byte[] same = joined();
    assertEquals(same.length, f.size());
    assertTrue(f.sameAs(new ByteArrayInputStream(same)));
    assertArrayEquals(same, f.bytes());
    for (int at : new int[] {0, 4, 5, 65_536, 5 + BIG.length, same.length - 1}) {
      byte[] changed = same.clone();
      changed[at] ^= 1;
      assertFalse(f.sameAs(new ByteArrayInputStream(changed)), "a change at byte " + at);
    }
    byte[] longer = java.util.Arrays.copyOf(same, same.length + 1);
    assertFalse(f.sameAs(new ByteArrayInputStream(longer)), "a longer file");
    assertFalse(f.sameAs(new ByteArrayInputStream(java.util.Arrays.copyOf(same, same.length - 1))), "a shorter file");
  }

  @Test
  void readsTheFileABufferAtATimeHoweverSmallItsParts() throws Exception {
    // a target file is a million parts of a few bytes: one read per part would be a system call each
    List<byte[]> parts = new ArrayList<>();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    for (int i = 0; i < 100_000; i++) {
      byte[] p = bytes(i % 7 == 0 ? "" : "p" + i + ",");
      parts.add(p);
      whole.writeBytes(p);
    }
    OutputFile f = OutputFile.ofParts("prometheus/targets/node.json", parts);
    int[] reads = {0};
    java.io.InputStream counting = new java.io.FilterInputStream(new ByteArrayInputStream(whole.toByteArray())) {
      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        reads[0]++;
        return super.read(b, off, len);
      }
    };
    assertTrue(f.sameAs(counting));
    assertTrue(reads[0] <= whole.size() / 65_536 + 3, reads[0] + " reads for " + whole.size() + " bytes");
  }

  @Test
  void writesInSlicesOfAtMost64KiB() throws Exception {
    List<Integer> writes = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    parts().writeTo(new OutputStream() {
      @Override
      public void write(int b) {
        throw new AssertionError("byte-at-a-time write");
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writes.add(len);
        all.write(b, off, len);
      }
    });
    assertArrayEquals(joined(), all.toByteArray());
    assertTrue(writes.stream().allMatch(n -> n <= 65_536), writes.toString());
  }
}
