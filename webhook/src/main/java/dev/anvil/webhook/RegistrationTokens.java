package dev.anvil.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Registration tokens (docs/registration.md), kept hashed in one JSON file that {@code anvil token
 * create} and {@code anvil serve} share under a file lock. A token is minted, then claimed by one
 * registration (which records the Host file it will push, before anything is pushed), then pushed.
 * A claimed token is the service's durable to-do: it pushes it again after a crash.
 */
final class RegistrationTokens {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final SecureRandom RANDOM = new SecureRandom();

  enum Phase { MINTED, CLAIMED, PUSHED }

  /**
   * One token: its SHA-256 (never the token), the group its host joins, when it expires; once
   * claimed, the host, the file it adds and that file's text, and the review branch and commit.
   */
  record Token(String sha256, String group, String created, String expires, Phase phase, String host, String path,
      String text, String branch, String commit) {
    /** The first characters of the hash: enough to name a token in a list, useless to use it. */
    String id() {
      return sha256.substring(0, 12);
    }

    boolean expiredAt(Instant now) {
      return !Instant.parse(expires).isAfter(now);
    }

    Token claimed(String host, String path, String text, String branch) {
      return new Token(sha256, group, created, expires, Phase.CLAIMED, host, path, text, branch, null);
    }

    Token committed(String commit) {
      return new Token(sha256, group, created, expires, phase, host, path, text, branch, commit);
    }

    Token pushed() {
      return new Token(sha256, group, created, expires, Phase.PUSHED, host, path, text, branch, commit);
    }
  }

  private record Store(List<Token> tokens) {}

  private final Path file;
  private final Clock clock;

  RegistrationTokens(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** A new token for hosts of {@code group}, valid for {@code ttl}: returned once, stored only as its hash. */
  synchronized String mint(String group, Duration ttl) throws IOException {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = "anv_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Instant now = clock.instant();
    update(all -> {
      List<Token> out = new ArrayList<>(all);
      out.add(new Token(sha256(token), group, now.toString(), now.plus(ttl).toString(), Phase.MINTED, null, null, null, null, null));
      return out;
    });
    return token;
  }

  /** The stored token {@code token} hashes to, or null. */
  synchronized Token find(String token) throws IOException {
    String hash = sha256(token);
    for (Token t : read()) {
      if (MessageDigest.isEqual(t.sha256().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))) return t;
    }
    return null;
  }

  synchronized List<Token> all() throws IOException {
    return read();
  }

  /** Replaces the token with the same hash, durably, before the caller takes the next step. */
  synchronized void put(Token token) throws IOException {
    update(all -> all.stream().map(t -> t.sha256().equals(token.sha256()) ? token : t).toList());
  }

  /** Forgets tokens that expired unused more than a day ago: nothing can use them, nothing is pending on them. */
  synchronized void prune() throws IOException {
    Instant cutoff = clock.instant().minus(Duration.ofDays(1));
    update(all -> all.stream().filter(t -> t.phase() != Phase.MINTED || !t.expiredAt(cutoff)).toList());
  }

  static String sha256(String token) {
    return dev.anvil.model.Sha256.hex(token, 32);
  }

  private List<Token> read() throws IOException {
    try (var lock = lock()) {
      return load();
    }
  }

  private List<Token> load() throws IOException {
    if (!Files.exists(file)) return List.of();
    Store s = JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), Store.class);
    return s == null || s.tokens() == null ? List.of() : s.tokens();
  }

  private void update(UnaryOperator<List<Token>> change) throws IOException {
    try (var lock = lock()) {
      List<Token> next = change.apply(load());
      Durable.write(file, JSON.writeValueAsString(new Store(next)));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** A held lock: closing releases it. */
  private interface Held extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /**
   * The store's lock, held across read-modify-write: the CLI and the service may write at once. A
   * file lock is held by the whole JVM, so threads (and two stores of one file) queue in-process first.
   */
  private Held lock() throws IOException {
    java.util.concurrent.locks.ReentrantLock local =
        IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new java.util.concurrent.locks.ReentrantLock());
    local.lock();
    FileChannel ch = null;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ch = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      ch.lock();
      FileChannel held = ch;
      return () -> {
        try {
          held.close();  // closing the channel releases its lock
        } finally {
          local.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      if (ch != null) ch.close();
      local.unlock();
      throw e;
    }
  }

  private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock> IN_PROCESS =
      new java.util.concurrent.ConcurrentHashMap<>();
}
