package dev.anvil.preview;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diff.FleetDiff;
import dev.anvil.load.GitTreeReader;
import dev.anvil.load.SourceTreeReader;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The working tree as a compiled model, kept current: compiled once at start, again after files
 * change (debounced), and compared with a base revision. Pages read the latest {@link Snapshot};
 * a working tree that does not compile leaves the last good model in place beside its diagnostics.
 */
final class Workspace implements AutoCloseable {
  /** Edits arrive in bursts (an editor's save writes several files): wait for quiet before compiling. */
  static final long DEBOUNCE_MILLIS = 250;
  /** Directories no input lives in: the output, build trees, Git's own. */
  private static final Set<String> IGNORED = Set.of(".git", "out", "target", "node_modules", ".anvil-bench");

  /**
   * One compilation of the working tree as the pages see it.
   *
   * @param good the last compilation without errors (null until there is one)
   * @param failed the latest compilation when it has errors (its diagnostics), else null
   * @param diff what the good model changes against the base, computed when first asked for (at
   *     100k hosts a large change takes longer to diff than to compile); null inside when the base
   *     does not compile
   * @param baseProblem why there is no diff (an unknown ref, a base that does not compile), or null
   */
  record Snapshot(long generation, Compilation good, Compilation failed, Index index, String baseRef,
      java.util.function.Supplier<FleetDiff.Report> diff, String baseProblem, Instant at, long compileMillis) {}

  private final Path repo;
  private final String baseRef;
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private final Compiler.LoadCache cache = new Compiler.LoadCache();
  private volatile Snapshot snapshot;
  private ObjectId baseCommit;
  private Compilation base;
  private String baseProblem;
  private WatchService watcher;
  private Thread watching;

  Workspace(Path repo, String baseRef) {
    this.repo = repo.toAbsolutePath().normalize();
    this.baseRef = baseRef;
  }

  Path repo() {
    return repo;
  }

  String baseRef() {
    return baseRef;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /** Called with each new snapshot, on the compiling thread. */
  void onChange(Consumer<Snapshot> listener) {
    listeners.add(listener);
  }

  /** Compiles the working tree (and the base if its commit moved) and publishes the result. */
  synchronized Snapshot recompile() {
    long start = System.nanoTime();
    List<String> problems = new ArrayList<>();
    Compilation head;
    try {
      head = Compiler.compile(SourceTreeReader.read(repo, problems), problems, cache);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    refreshBase();
    // the cache serves the next compile of mostly the same files; older versions of edited files go
    List<dev.anvil.load.SourceFile> live = new ArrayList<>(head.sources());
    if (base != null) live.addAll(base.sources());
    cache.retain(live);
    Snapshot previous = snapshot;
    Compilation good = head.ok() ? head : previous == null ? null : previous.good();
    Index index = good == null ? null : good == (previous == null ? null : previous.good()) ? previous.index() : new Index(good);
    Compilation against = base;
    java.util.function.Supplier<FleetDiff.Report> diff = memoize(() ->
        good != null && against != null && against.ok() ? FleetDiff.between(against, good) : null);
    Snapshot next = new Snapshot(previous == null ? 1 : previous.generation() + 1, good, head.ok() ? null : head, index,
        baseRef, diff, baseProblem, Instant.now(), (System.nanoTime() - start) / 1_000_000);
    snapshot = next;
    listeners.forEach(l -> l.accept(next));
    return next;
  }

  private static <T> java.util.function.Supplier<T> memoize(java.util.function.Supplier<T> compute) {
    return new java.util.function.Supplier<>() {
      private boolean done;
      private T value;

      @Override
      public synchronized T get() {
        if (!done) {
          value = compute.get();
          done = true;
        }
        return value;
      }
    };
  }

  /** The base revision, compiled again only when the ref points elsewhere than last time. */
  private void refreshBase() {
    try (Repository git = new FileRepositoryBuilder().findGitDir(repo.toFile()).setMustExist(true).build()) {
      ObjectId id = git.resolve(baseRef + "^{commit}");
      if (id == null) {
        base = null;
        baseProblem = "unknown base revision '" + baseRef + "'";
        baseCommit = null;
        return;
      }
      if (id.equals(baseCommit)) return;
      List<String> problems = new ArrayList<>();
      base = Compiler.compile(GitTreeReader.read(git, id, problems), problems, cache);
      baseCommit = id;
      baseProblem = base.ok() ? null : "the base revision " + baseRef + " does not compile";
    } catch (IllegalArgumentException | IOException e) {
      base = null;
      baseCommit = null;
      baseProblem = "not a Git repository: no base to compare with";
    }
  }

  /** Watches the repository's directories and recompiles after a quiet period following changes. */
  void watch() throws IOException {
    watcher = FileSystems.getDefault().newWatchService();
    registerTree(repo);
    watching = new Thread(this::watchLoop, "anvil-preview-watch");
    watching.setDaemon(true);
    watching.start();
  }

  private void registerTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(repo) && IGNORED.contains(dir.getFileName().toString())) return FileVisitResult.SKIP_SUBTREE;
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void watchLoop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = watcher.take();
        boolean relevant = drain(key);
        // collect the rest of the burst
        WatchKey more;
        while ((more = watcher.poll(DEBOUNCE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
          relevant |= drain(more);
        }
        if (relevant) {
          try {
            recompile();
          } catch (RuntimeException e) {
            // a compile that crashes must not stop the watching: the page keeps the last model
            System.err.println("anvil preview: recompiling failed: " + dev.anvil.diag.Text.shown(String.valueOf(e)));
          }
        }
      }
    } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Handles one key's events: new directories are watched too; returns whether any input may have changed. */
  private boolean drain(WatchKey key) {
    boolean relevant = false;
    Path dir = (Path) key.watchable();
    for (var event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        relevant = true;
        continue;
      }
      Path child = dir.resolve((Path) event.context());
      if (IGNORED.contains(child.getFileName().toString())) continue;
      relevant = true;
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try {
          registerTree(child);
        } catch (IOException e) {
          System.err.println("anvil preview: cannot watch " + dev.anvil.diag.Text.shown(child.toString()));
        }
      }
    }
    key.reset();
    return relevant;
  }

  @Override
  public void close() throws IOException {
    if (watching != null) watching.interrupt();
    if (watcher != null) watcher.close();
  }
}
