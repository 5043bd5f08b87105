package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignaturesTest {
  static final byte[] BODY = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
  static final byte[] SECRET = "s3cr3t".getBytes(StandardCharsets.UTF_8);

  @Test
  void github() {
    String valid = Signatures.githubHeader(BODY, SECRET);
    assertTrue(Signatures.github(BODY, valid, SECRET));
    assertFalse(Signatures.github(BODY, Signatures.githubHeader(BODY, "other".getBytes()), SECRET), "forged");
    assertFalse(Signatures.github("{\"ref\":\"x\"}".getBytes(), valid, SECRET), "body changed");
    assertFalse(Signatures.github(BODY, null, SECRET), "missing");
    assertFalse(Signatures.github(BODY, valid.substring(7), SECRET), "without the sha256= prefix");
    assertFalse(Signatures.github(BODY, "sha256=not-hex", SECRET));
  }

  @Test
  void giteaAndForgejo() {
    String valid = HexFormat.of().formatHex(Signatures.hmac(BODY, SECRET));
    assertTrue(Signatures.gitea(BODY, valid, SECRET));
    assertFalse(Signatures.gitea(BODY, valid.replace(valid.charAt(0), valid.charAt(0) == 'a' ? 'b' : 'a'), SECRET));
    assertFalse(Signatures.gitea(BODY, null, SECRET));
  }

  @Test
  void gitlab() {
    assertTrue(Signatures.gitlab("s3cr3t", SECRET));
    assertFalse(Signatures.gitlab("s3cr3", SECRET));
    assertFalse(Signatures.gitlab(null, SECRET));
  }

  @Test
  void aTrailingNewlineInTheSecretFileIsNotPartOfTheSecret(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("secret");
    Files.writeString(file, "s3cr3t\n");
    byte[] secret = Signatures.readSecret(file);
    assertEquals("s3cr3t", new String(secret, StandardCharsets.UTF_8));
    assertTrue(Signatures.github(BODY, Signatures.githubHeader(BODY, SECRET), secret));
    assertTrue(Signatures.gitlab("s3cr3t", secret));
  }
}
