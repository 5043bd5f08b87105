package dev.anvil.webhook;

import dev.anvil.load.GitTreeReader;
import dev.anvil.load.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The config repository as the service sees it: a bare mirror of one branch, fetched with JGit
 * (any transport it supports; a local path works), read commit by commit without a checkout.
 */
final class GitSource {
  private final String url;
  private final String branch;
  private final Path mirror;

  record Snapshot(String commit, List<SourceFile> files, List<String> problems) {}

  GitSource(String url, String branch, Path mirror) {
    this.url = url;
    this.branch = branch;
    this.mirror = mirror;
  }

  /** Fetches the branch and returns its newest commit's input files. */
  Snapshot fetch() throws IOException, GitAPIException {
    if (!Files.exists(mirror.resolve("HEAD"))) {
      Git.cloneRepository().setURI(url).setDirectory(mirror.toFile()).setBare(true).setBranch(branch)
          .setBranchesToClone(List.of("refs/heads/" + branch)).call().close();
    }
    try (Git git = Git.open(mirror.toFile())) {
      git.fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/heads/" + branch + ":refs/heads/" + branch)).call();
      Repository repo = git.getRepository();
      ObjectId head = repo.resolve("refs/heads/" + branch);
      if (head == null) throw new IOException("branch '" + branch + "' not found in " + url);
      List<String> problems = new java.util.ArrayList<>();
      List<SourceFile> files = GitTreeReader.read(repo, head, problems);
      return new Snapshot(head.name(), files, problems);
    }
  }
}
