package dev.anvil.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook authenticity: GitHub ({@code X-Hub-Signature-256: sha256=<hmac>}), Gitea and Forgejo
 * ({@code X-Gitea-Signature} / {@code X-Forgejo-Signature: <hmac>}), GitLab ({@code X-Gitlab-Token}).
 * Every comparison runs in constant time; secrets are read from files with surrounding whitespace
 * trimmed, so a trailing newline in the file is not part of the secret.
 */
public final class Signatures {
  private Signatures() {}

  public static byte[] readSecret(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
  }

  public static boolean github(byte[] body, String header, byte[] secret) {
    if (header == null || !header.startsWith("sha256=")) return false;
    return hexEquals(hmac(body, secret), header.substring(7));
  }

  public static boolean gitea(byte[] body, String header, byte[] secret) {
    return header != null && hexEquals(hmac(body, secret), header);
  }

  public static boolean gitlab(String token, byte[] secret) {
    return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), secret);
  }

  public static String githubHeader(byte[] body, byte[] secret) {
    return "sha256=" + HexFormat.of().formatHex(hmac(body, secret));
  }

  static byte[] hmac(byte[] body, byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static boolean hexEquals(byte[] expected, String hex) {
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex.strip().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, given);
  }
}
