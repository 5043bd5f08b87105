package dev.anvil.load;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** The input files of one commit, read from the Git object store: no checkout, no working tree. */
public final class GitTreeReader {
  private GitTreeReader() {}

  public static List<SourceFile> read(Repository repo, ObjectId commitId) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(commitId);
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        String path = tree.getPathString();
        if (!SourceTreeReader.isSourcePath(path)) continue;
        try {
          files.add(new SourceFile(path, SourceTreeReader.decode(repo.open(tree.getObjectId(0)).getBytes())));
        } catch (CharacterCodingException e) {
          throw new IOException(path + ": not valid UTF-8");
        }
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }
}
