package dev.anvil.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Refuses a signed body seen before: the SHA-256 of each authenticated body is kept (the newest
 * {@link #CAPACITY}) in {@code work_dir/deliveries}, so neither a changed or missing delivery-id
 * header nor a restart lets a captured request through twice. A Git host's "redeliver" of the same
 * push is refused too; the service's polling builds that push anyway.
 */
final class ReplayGuard {
  static final int CAPACITY = 10_000;

  private final Path file;
  private final ArrayDeque<String> order = new ArrayDeque<>();
  private final Set<String> seen = new HashSet<>();

  ReplayGuard(Path file) throws IOException {
    this.file = file;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) if (!line.isBlank()) remember(line.strip());
    }
  }

  /** True the first time {@code body} is offered; records it durably before saying so. */
  synchronized boolean firstTime(byte[] body) throws IOException {
    String digest = digest(body);
    if (seen.contains(digest)) return false;
    remember(digest);
    if (order.size() == CAPACITY && Files.exists(file) && Files.size(file) > 2L * CAPACITY * 65) {
      Durable.write(file, String.join("\n", List.copyOf(order)) + "\n");  // compact: the newest only
    } else {
      Files.writeString(file, digest + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }
    return true;
  }

  private void remember(String digest) {
    if (!seen.add(digest)) return;
    order.addLast(digest);
    if (order.size() > CAPACITY) seen.remove(order.removeFirst());
  }

  private static String digest(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
