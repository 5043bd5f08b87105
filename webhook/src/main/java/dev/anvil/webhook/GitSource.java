package dev.anvil.webhook;

import dev.anvil.load.SourceFile;
import dev.anvil.load.SourceTreeReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The config repository as the service sees it: a bare mirror of one branch, fetched with JGit
 * (any transport it supports; a local path works), read commit by commit without a checkout.
 */
final class GitSource {
  private final String url;
  private final String branch;
  private final Path mirror;

  record Snapshot(String commit, List<SourceFile> files) {}

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
      return new Snapshot(head.name(), read(repo, head));
    }
  }

  private static List<SourceFile> read(Repository repo, ObjectId commitId) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(commitId);
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        String path = tree.getPathString();
        if (!SourceTreeReader.isSourcePath(path)) continue;
        byte[] bytes = repo.open(tree.getObjectId(0)).getBytes();
        try {
          files.add(new SourceFile(path, SourceTreeReader.decode(bytes)));
        } catch (CharacterCodingException e) {
          throw new IOException(path + ": not valid UTF-8");
        }
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }
}
