package dev.anvil.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.Compiler;
import dev.anvil.diag.Diagnostic;
import dev.anvil.emit.Output;
import dev.anvil.load.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * {@code POST /register} (docs/registration.md): a node's report, with a single-use token, becomes
 * a Host file on a review branch of the config repository, never a change to the deployed branch.
 * The report is refused unless the token is known, unexpired and unused, the host is new, and the
 * repository with the file added passes the compiler. Steps are recorded in the token store before
 * they are taken: a claimed token whose branch is not pushed yet is pushed by {@link #reconcile}.
 */
final class Registrar {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PersonIdent AUTHOR = new PersonIdent("anvil serve", "anvil-serve@localhost");

  /** The answer to a request: HTTP status and a JSON body. */
  record Answer(int status, Map<String, Object> body) {
    static Answer of(int status, String key, Object value) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put(key, value);
      return new Answer(status, body);
    }
  }

  private final ServiceConfig config;
  private final ServiceConfig.Registration settings;
  private final RegistrationTokens tokens;
  private final Metrics metrics;
  private final Clock clock;
  private final Path mirror;
  /** The deployed branch, fetched into the registrations' own mirror: review branches start from its head. */
  private final GitSource source;

  Registrar(ServiceConfig config, RegistrationTokens tokens, Metrics metrics, Clock clock) {
    this.config = config;
    this.settings = config.registration();
    this.tokens = tokens;
    this.metrics = metrics;
    this.clock = clock;
    this.mirror = config.workDir().resolve("registration.git");
    this.source = new GitSource(config.repository(), config.branch(), mirror, config.timeouts().git());
  }

  /** One registration, start to end; registrations run one at a time. */
  synchronized Answer register(String bearer, byte[] body) {
    try {
      Answer a = attempt(bearer, body);
      metrics.registrations.labelValues(outcome(a.status())).inc();
      return a;
    } catch (IOException | GitAPIException | RuntimeException e) {
      metrics.registrations.labelValues("failed").inc();
      Log.warn("registration failed", Map.of("error", e.getClass().getSimpleName()));
      return Answer.of(500, "error", "registration failed: " + e.getClass().getSimpleName() + " (see the service's log)");
    }
  }

  private static String outcome(int status) {
    return switch (status) {
      case 201 -> "registered";
      case 202 -> "pending";
      case 401 -> "unauthorized";
      case 409 -> "duplicate";
      default -> "refused";
    };
  }

  private Answer attempt(String bearer, byte[] body) throws IOException, GitAPIException {
    if (bearer == null || !bearer.matches("[A-Za-z0-9_-]{1,128}")) return Answer.of(401, "error", "a registration token is required");
    RegistrationTokens.Token token = tokens.find(bearer);
    if (token == null) return Answer.of(401, "error", "unknown token");
    if (token.phase() != RegistrationTokens.Phase.MINTED) {
      return Answer.of(409, "error", "this token was used already (for host " + token.host() + ")");
    }
    if (token.expiredAt(clock.instant())) return Answer.of(401, "error", "token expired at " + token.expires());

    Map<String, Object> host;
    try {
      JsonNode report = JSON.readTree(body);
      host = HostReport.host(report, token.group());
    } catch (HostReport.Refused e) {
      return Answer.of(422, "error", "report refused: " + e.getMessage());
    } catch (IOException e) {
      return Answer.of(400, "error", "the report is not JSON");
    }
    String name = (String) host.get("name");
    // the schema's host name: the file name below cannot leave its directory
    if (!dev.anvil.model.Host.NAME.matcher(name).matches()) {
      return Answer.of(422, "error", "report refused: '" + dev.anvil.diag.Text.shown(name) + "' is not a host name");
    }
    String branch = settings.branchPrefix() + name;
    // a registration not pushed yet; once pushed, its branch (or, merged, the host in the branch) says so,
    // and a branch a reviewer deleted lets the node register again
    for (RegistrationTokens.Token t : tokens.all()) {
      if (name.equals(t.host()) && t.phase() == RegistrationTokens.Phase.CLAIMED) {
        return Answer.of(409, "error", "host " + name + " is being registered already (branch " + t.branch() + ")");
      }
    }

    GitSource.Snapshot snapshot = source.fetch();
    String path = settings.hostsDir() + "/" + name + ".yaml";
    String text = "# Registered by anvil serve from the node's own report (agent/anvil-register) at " + clock.instant()
        + ".\n# Review the accelerator models and the groups, then merge.\n" + Output.yamlText(host);
    List<SourceFile> files = new ArrayList<>(snapshot.files());
    if (files.stream().anyMatch(f -> f.path().equals(path))) return Answer.of(409, "error", "host " + name + " exists (" + path + ")");
    files.add(new SourceFile(path, text));
    Compiler.Compilation c = Compiler.compile(files, snapshot.problems(), Compiler.LoadCache.NONE);
    if (!c.ok()) {
      List<Diagnostic> errors = c.diagnostics().all().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
      boolean duplicate = errors.stream().anyMatch(d -> d.message().startsWith("duplicate host"));
      return new Answer(duplicate ? 409 : 422, Map.of("error", duplicate ? "host " + name + " exists" : "the compiler refuses the new host",
          "diagnostics", Deployer.messages(errors)));
    }

    if (remoteHasBranch(branch)) return Answer.of(409, "error", "host " + name + " is awaiting review already (branch " + branch + ")");

    // durable intent first: from here on the registration is pushed, by this request or by reconcile
    RegistrationTokens.Token claimed = token.claimed(name, path, text, branch);
    tokens.put(claimed);
    Log.info("registration accepted", Map.of("host", name, "token", token.id(), "branch", branch));
    return push(claimed, snapshot.commit());
  }

  /** Commits (unless done before) and pushes a claimed registration; 201 when pushed, 202 when the push must wait. */
  private Answer push(RegistrationTokens.Token t, String base) throws IOException {
    try {
      RegistrationTokens.Token committed = t;
      if (t.commit() == null) {
        committed = t.committed(commit(t, base));
        tokens.put(committed);
      }
      pushBranch(committed);
      tokens.put(committed.pushed());
      Log.info("registration pushed", Map.of("host", t.host(), "branch", t.branch(), "commit", committed.commit()));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "registered");
      body.put("host", t.host());
      body.put("branch", t.branch());
      body.put("commit", committed.commit());
      return new Answer(201, body);
    } catch (GitAPIException | IOException e) {
      Log.warn("registration push deferred", Map.of("host", t.host(), "error", e.getClass().getSimpleName()));
      return new Answer(202, Map.of("status", "accepted", "host", t.host(), "branch", t.branch(),
          "detail", "the review branch is pushed when the repository answers"));
    }
  }

  /** A commit adding the host's file to {@code base} (the deployed branch's head), in the mirror. */
  private String commit(RegistrationTokens.Token t, String base) throws IOException {
    try (Repository repo = Git.open(mirror.toFile()).getRepository(); ObjectInserter ins = repo.newObjectInserter();
        RevWalk walk = new RevWalk(repo)) {
      ObjectId parent = ObjectId.fromString(base);
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      builder.addTree(new byte[0], DirCacheEntry.STAGE_0, repo.newObjectReader(), walk.parseCommit(parent).getTree());
      DirCacheEntry file = new DirCacheEntry(t.path());
      file.setFileMode(FileMode.REGULAR_FILE);
      file.setObjectId(ins.insert(Constants.OBJ_BLOB, t.text().getBytes(StandardCharsets.UTF_8)));
      builder.add(file);
      builder.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(ins));
      commit.setParentId(parent);
      PersonIdent who = new PersonIdent(AUTHOR, Instant.now(clock).toEpochMilli(), 0);
      commit.setAuthor(who);
      commit.setCommitter(who);
      commit.setMessage("Register host " + t.host() + " in " + t.group() + "\n\nReported by the node itself (anvil-register, token "
          + t.id() + "); added by anvil serve for review.\n");
      ObjectId id = ins.insert(commit);
      ins.flush();
      RefUpdate ref = repo.updateRef("refs/heads/" + t.branch());
      ref.setNewObjectId(id);
      ref.forceUpdate();
      return id.name();
    }
  }

  private boolean remoteHasBranch(String branch) throws GitAPIException {
    var ls = Git.lsRemoteRepository().setRemote(settings.pushUrl()).setHeads(true)
        .setTimeout((int) Math.max(1, config.timeouts().git().toSeconds()));
    credentials().ifPresent(ls::setCredentialsProvider);
    return ls.call().stream().anyMatch(r -> r.getName().equals("refs/heads/" + branch));
  }

  private java.util.Optional<UsernamePasswordCredentialsProvider> credentials() {
    if (settings.pushUsername() == null) return java.util.Optional.empty();
    try {
      return java.util.Optional.of(new UsernamePasswordCredentialsProvider(settings.pushUsername(),
          new String(Signatures.readSecret(settings.pushPasswordFile()), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void pushBranch(RegistrationTokens.Token t) throws IOException, GitAPIException {
    try (Git git = Git.open(mirror.toFile())) {
      var push = git.push().setRemote(settings.pushUrl()).setTimeout((int) Math.max(1, config.timeouts().git().toSeconds()))
          .setRefSpecs(new RefSpec(t.commit() + ":refs/heads/" + t.branch()));
      credentials().ifPresent(push::setCredentialsProvider);
      for (PushResult result : push.call()) {
        for (RemoteRefUpdate u : result.getRemoteUpdates()) {
          if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
            throw new IOException("push of " + t.branch() + " refused: " + u.getStatus());
          }
        }
      }
    }
  }

  /** Pushes every claimed registration not pushed yet (after a crash, or a repository that did not answer) and drops dead tokens. */
  synchronized void reconcile() {
    try {
      for (RegistrationTokens.Token t : tokens.all()) {
        if (t.phase() != RegistrationTokens.Phase.CLAIMED) continue;
        // a commit lost with the mirror is made again, on the branch's head now
        RegistrationTokens.Token pending = t.commit() != null && !inMirror(t.commit()) ? t.committed(null) : t;
        String base = pending.commit() == null
            ? source.fetch().commit() : null;
        push(pending, base);
      }
      tokens.prune();
    } catch (IOException | GitAPIException | RuntimeException e) {
      Log.warn("registration reconcile failed", Map.of("error", e.getClass().getSimpleName()));
    }
  }

  private boolean inMirror(String commit) throws IOException {
    if (!Files.exists(mirror.resolve("HEAD"))) return false;
    try (Repository repo = Git.open(mirror.toFile()).getRepository()) {
      return repo.getObjectDatabase().has(ObjectId.fromString(commit));
    }
  }
}
