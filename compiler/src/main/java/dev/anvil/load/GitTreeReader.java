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

  /** The source files of a commit; links and oversized files go to {@code problems}, as from the disk. */
  public static List<SourceFile> read(Repository repo, ObjectId commitId, List<String> problems) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(commitId);
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        String path = tree.getPathString();
        boolean link = tree.getFileMode(0) == org.eclipse.jgit.lib.FileMode.SYMLINK;
        if (link && SourceTreeReader.isReportedLink(path)) {
          problems.add(path + ": error: " + SourceTreeReader.LINK_REFUSED);
          continue;
        }
        if (link || !SourceTreeReader.isSourcePath(path)) continue;
        var loader = repo.open(tree.getObjectId(0));
        String tooLarge = SourceTreeReader.tooLarge(path, loader.getSize());
        if (tooLarge != null) {
          problems.add(tooLarge);
          continue;
        }
        try {
          files.add(new SourceFile(path, SourceTreeReader.decode(loader.getBytes())));
        } catch (CharacterCodingException e) {
          problems.add(path + ": error: file is not valid UTF-8");
        }
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }
}
