package dev.anvil.webhook;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.Diagnostic;
import dev.anvil.diag.Text;
import dev.anvil.verify.Verifier;
import dev.anvil.webhook.BuildQueue.Cancel;
import dev.anvil.webhook.Consumers.Answer;
import dev.anvil.webhook.Consumers.Verdict;
import dev.anvil.webhook.DeployState.Phase;
import dev.anvil.write.OutputWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One build: fetch → compile and verify (as {@code anvil check --verify=required}) → write
 * {@code outputs/<commit>/} → check every consumer is reachable → switch the {@code live} symlink →
 * reload every consumer and confirm. Each step is recorded durably first ({@link DeployState}), so
 * {@link #recover} can finish or undo whatever a crash interrupted. A refusal by any consumer puts
 * every consumer back on the last confirmed output; an unreachable one leaves it live and the build
 * is retried.
 */
final class Deployer {
  private final ServiceConfig config;
  private final State state;
  private final Consumers consumers;
  private final GitSource git;

  Deployer(ServiceConfig config, State state, Consumers consumers) {
    this.config = config;
    this.state = state;
    this.consumers = consumers;
    this.git = new GitSource(config.repository(), config.branch(), config.workDir().resolve("mirror.git"),
        config.timeouts().git());
  }

  private Path outputs() {
    return config.workDir().resolve("outputs");
  }

  /**
   * Converges what a crash left, before the first build: removes half-written outputs and
   * temporary links; an unconfirmed {@code live} is reloaded and confirmed, or rolled back.
   */
  void recover() throws Exception {
    Files.createDirectories(outputs());
    try (Stream<Path> s = Files.list(outputs())) {
      for (Path p : s.toList()) if (p.getFileName().toString().startsWith(".")) OutputWriter.deleteTree(p);
    }
    Files.deleteIfExists(config.workDir().resolve(".live.tmp"));
    DeployState d = state.deploy();
    String live = liveCommit();
    if (live == null && d.confirmed() != null && Files.isDirectory(outputs().resolve(d.confirmed()))) {
      Durable.relink(config.live(), outputs().resolve(d.confirmed()));
    } else if (live != null && !live.equals(d.confirmed())) {
      // killed between switch and confirmation (or a state written by an older version)
      Log.warn("live output is not confirmed; reloading to confirm it", java.util.Map.of("commit", live));
      state.record(d.at(live, Phase.SWITCHED, d.confirmed(), List.of("recovering after a restart")), null);
      confirmOrRollBack(live, d.confirmed(), null);
    } else if (d.attempt() != null && !d.attempt().finished()) {
      state.record(d.at(d.attempt().commit(), Phase.ERROR, d.confirmed(), List.of("interrupted by a restart")), null);
    }
    prune();
  }

  /** One build; the outcome: deployed, unchanged, invalid, refused, pending or error. */
  String build(boolean force, Cancel cancel) throws Exception {
    Instant start = Instant.now();
    String commit = null;
    try {
      GitSource.Snapshot snapshot = git.fetch();
      cancel.check();
      commit = snapshot.commit();
      DeployState d = state.deploy();
      if (commit.equals(d.confirmed()) && commit.equals(liveCommit())) return converge(commit, force, start, cancel);
      DeployState.Attempt last = d.attempt();
      if (!force && last != null && commit.equals(last.commit()) && last.phase() == Phase.INVALID) {
        // judged before: not compiled again (a push of another commit or /hooks/reload does), still a failure
        return done(commit, "invalid", last.detail(), start, cancel);
      }
      String previous = d.confirmed();
      state.record(d.at(commit, Phase.PENDING, previous, List.of()), cancel);

      Compilation c = Compiler.compile(snapshot.files(), snapshot.problems(), Compiler.LoadCache.NONE);
      // the consumers' own checkers judge the output before anything goes live: all of them must run
      if (c.ok()) Verifier.verify(c.files(), c.fleet(), Verifier.Mode.REQUIRED, c.diagnostics());
      cancel.check();
      if (!c.ok()) {
        List<String> messages = messages(c.diagnostics().all());
        state.record(state.deploy().at(commit, Phase.INVALID, previous, messages), cancel);
        return done(commit, "invalid", messages, start, cancel);
      }
      Path version = outputs().resolve(commit);
      OutputWriter.write(version, c.files());
      Durable.syncTree(version);
      cancel.check();

      List<String> unreachable = problems(consumers.probe(), Verdict.UNREACHABLE);
      if (!unreachable.isEmpty()) {
        if (previous == null) {
          // nothing was ever confirmed: the verified output goes live so that the consumers can start
          state.record(state.deploy().at(commit, Phase.SWITCHED, null, unreachable), cancel);
          Durable.relink(config.live(), version);
        }
        state.record(state.deploy().at(commit, Phase.WAITING, previous, unreachable), cancel);
        return done(commit, "pending", unreachable, start, cancel);
      }
      state.record(state.deploy().at(commit, Phase.VERIFIED, previous, List.of()), cancel);
      Durable.relink(config.live(), version);
      state.record(state.deploy().at(commit, Phase.SWITCHED, previous, List.of()), cancel);
      return confirmOrRollBack(commit, previous, cancel) ? done(commit, "deployed", List.of(), start, cancel)
          : done(commit, state.deploy().attempt().phase() == Phase.WAITING ? "pending" : "refused",
              state.deploy().attempt().detail(), start, cancel);
    } catch (BuildQueue.Cancelled e) {
      throw e;
    } catch (Exception e) {
      // a repository URL may carry credentials (https://user:token@host/...): never shown
      String message = e.getClass().getSimpleName() + ": "
          + Text.shown(String.valueOf(e.getMessage()).replaceAll("//[^/@\\s]*@", "//***@"));
      return done(commit, "error", List.of(message), start, cancel);
    }
  }

  /**
   * With {@code commit} switched live: reload every consumer. All accept → confirmed. Otherwise
   * back to {@code previous} on every consumer (refused → rolled-back; unreachable → waiting, for
   * a retry). Returns whether it was confirmed.
   */
  private boolean confirmOrRollBack(String commit, String previous, Cancel cancel) throws Exception {
    List<Answer> answers = consumers.reload();
    List<String> refused = problems(answers, Verdict.REFUSED);
    List<String> unreachable = problems(answers, Verdict.UNREACHABLE);
    if (refused.isEmpty() && unreachable.isEmpty()) {
      state.record(state.deploy().confirm(commit, config.keepOutputs()), cancel);
      prune();
      return true;
    }
    List<String> detail = new ArrayList<>(refused);
    detail.addAll(unreachable);
    if (previous == null && refused.isEmpty()) {
      // nothing confirmed to go back to: keep the verified output live until the consumers answer
      state.record(state.deploy().at(commit, Phase.WAITING, null, detail), cancel);
      return false;
    }
    state.record(state.deploy().at(commit, refused.isEmpty() ? Phase.WAITING : Phase.ROLLED_BACK, previous, detail),
        cancel);
    if (previous != null && Files.isDirectory(outputs().resolve(previous))) {
      Durable.relink(config.live(), outputs().resolve(previous));
    } else {
      Files.deleteIfExists(config.live());  // no confirmed output: nothing refused stays live
    }
    for (Answer a : consumers.reload()) {
      if (a.verdict() != Verdict.ACCEPTED) Log.warn("rollback reload", java.util.Map.of("detail", a.detail()));
    }
    return false;
  }

  /**
   * The branch head is confirmed and live. A consumer that reports its last reload failed (or, on
   * {@code force}, every consumer) is reloaded, so each converges to the live output.
   */
  private String converge(String commit, boolean force, Instant start, Cancel cancel) throws Exception {
    List<Answer> answers = force ? consumers.reload() : consumers.lastReload();
    List<String> unreachable = problems(answers, Verdict.UNREACHABLE);
    List<String> refused = problems(answers, Verdict.REFUSED);
    if (!refused.isEmpty() && !force) refused = problems(consumers.reload(), Verdict.REFUSED);
    if (!refused.isEmpty()) return done(commit, "refused", refused, start, cancel);
    if (!unreachable.isEmpty()) return done(commit, "pending", unreachable, start, cancel);
    return done(commit, "unchanged", List.of(), start, cancel);
  }

  private String done(String commit, String outcome, List<String> details, Instant start, Cancel cancel) {
    state.attempted(commit, outcome, details, start, cancel);
    return outcome;
  }

  /** Keeps the confirmed history and the live output; removes every other output. */
  void prune() throws IOException {
    Set<String> keep = new HashSet<>(state.deploy().history());
    String live = liveCommit();
    if (live != null) keep.add(live);
    DeployState.Attempt a = state.deploy().attempt();
    if (a != null && !a.finished()) keep.add(a.commit());
    try (Stream<Path> s = Files.list(outputs())) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (!keep.contains(name) && !name.startsWith(".")) OutputWriter.deleteTree(p);
      }
    }
  }

  /** The commit the live symlink points at, or null. */
  String liveCommit() throws IOException {
    Path live = config.live();
    if (!Files.isSymbolicLink(live)) return null;
    if (!Files.exists(live)) return null;  // dangling
    return Files.readSymbolicLink(live).getFileName().toString();
  }

  private static List<String> problems(List<Answer> answers, Verdict verdict) {
    return answers.stream().filter(a -> a.verdict() == verdict).map(Answer::detail).toList();
  }

  static List<String> messages(List<Diagnostic> ds) {
    return ds.stream().map(d -> d.position() + ": " + d.severity().label() + ": " + d.message()).toList();
  }
}
