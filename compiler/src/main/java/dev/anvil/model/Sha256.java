package dev.anvil.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text (UTF-8): the one digest Anvil names things by. */
public final class Sha256 {
  /**
   * One digest per thread, reset by each use: looking one up (the providers, then a reflective
   * constructor) costs more than digesting a short name, and names are digested by the thousand.
   */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);  // every Java runtime has SHA-256
    }
  });

  private Sha256() {}

  public static byte[] of(String text) {
    return DIGEST.get().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The first {@code bytes} bytes of the digest in lower-case hex (all 32 for the whole). */
  public static String hex(String text, int bytes) {
    return HexFormat.of().formatHex(of(text), 0, bytes);
  }
}
