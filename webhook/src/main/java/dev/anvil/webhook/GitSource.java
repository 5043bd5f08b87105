package dev.anvil.webhook;

import dev.anvil.load.GitTreeReader;
import dev.anvil.load.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The config repository as the service sees it: a bare mirror of one branch, fetched with JGit
 * (any transport it supports; a local path works) under a network timeout, and read commit by
 * commit without a checkout.
 */
final class GitSource {
  private final String url;
  private final String branch;
  private final Path mirror;
  private final int timeoutSeconds;

  record Snapshot(String commit, List<SourceFile> files, List<String> problems) {}

  GitSource(String url, String branch, Path mirror, Duration timeout) {
    this.url = url;
    this.branch = branch;
    this.mirror = mirror;
    this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
  }

  /** Fetches the branch and returns its newest commit's input files. */
  Snapshot fetch() throws IOException, GitAPIException {
    // init (local, idempotent) then fetch: a fetch cut short leaves a usable mirror, a clone would not
    if (!Files.exists(mirror.resolve("HEAD"))) Git.init().setBare(true).setDirectory(mirror.toFile()).call().close();
    try (Git git = Git.open(mirror.toFile())) {
      git.fetch().setRemote(url).setTimeout(timeoutSeconds)
          .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":refs/heads/" + branch)).call();
      Repository repo = git.getRepository();
      ObjectId head = repo.resolve("refs/heads/" + branch);
      if (head == null) throw new IOException("branch '" + branch + "' not found in " + url);
      List<String> problems = new java.util.ArrayList<>();
      List<SourceFile> files = GitTreeReader.read(repo, head, problems);
      return new Snapshot(head.name(), files, problems);
    }
  }
}
