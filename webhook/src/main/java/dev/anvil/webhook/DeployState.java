package dev.anvil.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What is deployed, as recorded on disk ({@code work_dir/state.json}) before each step of a deploy,
 * so that a restart at any point knows what to converge to.
 *
 * @param confirmed the commit whose output every consumer accepted, or null before the first
 * @param history confirmed commits, newest first (the outputs kept on disk)
 * @param attempt the latest attempt and the phase it reached
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DeployState(String confirmed, List<String> history, Attempt attempt) {

  /**
   * Phases of an attempt. In order: pending (compiling) → verified (written, consumers reachable,
   * about to switch) → switched (live points at it, reloads sent) → confirmed. It ends instead in
   * invalid (check or verify failed), waiting (a consumer is unreachable; retried), refused and
   * rolled back, or error.
   */
  enum Phase { PENDING, VERIFIED, SWITCHED, CONFIRMED, INVALID, WAITING, ROLLED_BACK, ERROR }

  /** @param previous the confirmed commit when the attempt started: what a rollback returns to */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Attempt(String commit, Phase phase, String previous, List<String> detail, String at) {
    boolean finished() {
      return phase != Phase.PENDING && phase != Phase.VERIFIED && phase != Phase.SWITCHED;
    }
  }

  static final DeployState EMPTY = new DeployState(null, List.of(), null);

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static DeployState load(Path file) throws IOException {
    if (!Files.exists(file)) return EMPTY;
    DeployState s = JSON.readValue(file.toFile(), DeployState.class);
    return new DeployState(s.confirmed, s.history == null ? List.of() : List.copyOf(s.history), s.attempt);
  }

  void save(Path file) throws IOException {
    Durable.write(file, JSON.writeValueAsString(this) + "\n");
  }

  DeployState at(String commit, Phase phase, String previous, List<String> detail) {
    return new DeployState(confirmed, history, new Attempt(commit, phase, previous, List.copyOf(detail),
        Instant.now().toString()));
  }

  /** {@code commit} confirmed: it heads the history, which keeps the newest {@code keep}. */
  DeployState confirm(String commit, int keep) {
    List<String> h = new ArrayList<>();
    h.add(commit);
    for (String c : history) if (!c.equals(commit) && h.size() < keep) h.add(c);
    return new DeployState(commit, List.copyOf(h), new Attempt(commit, Phase.CONFIRMED,
        attempt == null ? null : attempt.previous(), List.of(), Instant.now().toString()));
  }
}
