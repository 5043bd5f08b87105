package dev.anvil;

import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.alertmanager.AlertmanagerEmitter;
import dev.anvil.emit.ansible.AnsibleEmitter;
import dev.anvil.emit.checks.ChecksEmitter;
import dev.anvil.emit.grafana.GrafanaEmitter;
import dev.anvil.emit.slurm.SlurmEmitter;
import dev.anvil.emit.prometheus.PrometheusEmitter;
import dev.anvil.load.Declarations;
import dev.anvil.load.Document;
import dev.anvil.load.DocumentSieve;
import dev.anvil.load.ModelMapper;
import dev.anvil.load.NameScan;
import dev.anvil.load.SharedEntries;
import dev.anvil.load.SourceFile;
import dev.anvil.load.SourceTreeReader;
import dev.anvil.load.WordScan;
import dev.anvil.load.YamlReader;
import dev.anvil.model.Fleet;
import dev.anvil.parallel.Parallel;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.Resolver;
import dev.anvil.validate.ReferenceChecker;
import dev.anvil.validate.SchemaValidator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pipeline: load (YAML with positions) → validate (schemas, then references) → resolve
 * (priority merge with provenance) → emit (pure functions to files). Writing is the caller's
 * business ({@link dev.anvil.write.OutputWriter}), so a compile can run entirely in memory.
 */
public final class Compiler {
  /**
   * Every emitter, in output order, which is also the order they start in (Prometheus, the longest,
   * first); made when a run emits, so that their classes (and the Jackson mappers they hold) are set
   * up then, side by side, and not before the first file is read.
   */
  private static final List<java.util.function.Supplier<Emitter>> EMITTERS = List.of(PrometheusEmitter::new,
      AlertmanagerEmitter::new, SlurmEmitter::new, AnsibleEmitter::new, ChecksEmitter::new, GrafanaEmitter::new,
      dev.anvil.emit.snmp.SnmpEmitter::new, dev.anvil.emit.ipmi.IpmiEmitter::new,
      dev.anvil.emit.kubernetes.KubernetesEmitter::new);

  /** Kinds whose documents explain leaves unread unless they name its host ({@link #resolveFromDocumentsBearingOn}). */
  private static final java.util.Set<String> BEARING_ON_NO_OTHER_HOST =
      java.util.Set.of("Host", "Dashboard", "ExporterContract");

  /** The schemas, compiled once per JVM: see {@link #prepare}. */
  private static SchemaValidator schemaValidator;

  private Compiler() {}

  /**
   * The result of a run: diagnostics always; the resolved fleet when resolution ran; the output
   * files only when there were no errors at all.
   */
  public record Compilation(List<SourceFile> sources, Diagnostics diagnostics, ResolvedFleet fleet,
      List<OutputFile> files) {

    public boolean ok() {
      return !diagnostics.hasErrors();
    }

    /** The same compilation with its output dropped: a later phase (verify) found errors. */
    public Compilation withoutFiles() {
      return new Compilation(sources, diagnostics, fleet, List.of());
    }

    public List<String> lines(String file) {
      for (SourceFile s : sources) if (s.path().equals(file)) return s.shownLines();
      return List.of();
    }
  }

  /** Compiles the config repository at {@code repo}. */
  public static Compilation compile(Path repo) throws IOException {
    List<String> problems = new ArrayList<>();
    Timings timings = Timings.start();
    List<SourceFile> sources = SourceTreeReader.read(repo, problems);
    timings.phase("read");
    return compile(sources, problems, LoadCache.NONE);
  }

  /**
   * Compiles {@code sources} read with {@code problems} ("path: error: message" from the tree
   * reader: links, unreadable files): those are errors too, so nothing is emitted.
   */
  public static Compilation compile(List<SourceFile> sources, List<String> problems, LoadCache cache) {
    Compilation c = compile(sources, cache);
    report(problems, c.diagnostics());
    return problems.isEmpty() ? c : new Compilation(sources, c.diagnostics(), c.fleet(), List.of());
  }

  /** The tree reader's problems ("path: error: message") as errors at their files. */
  private static void report(List<String> problems, Diagnostics diagnostics) {
    for (String p : problems) {
      diagnostics.error(Position.ofFile(p.substring(0, p.indexOf(": error: "))), p.substring(p.indexOf(": error: ") + 9));
    }
  }

  /**
   * Parsed and schema-checked files by path and content, shared by compilations of revisions that
   * have most files in common ({@code anvil diff}): each distinct file is read once.
   */
  public static final class LoadCache {
    /**
     * Keeps nothing, for a single compilation: the parsed trees (several times the size of the text)
     * then die as soon as they are mapped to records.
     */
    public static final LoadCache NONE = new LoadCache(false);

    private final java.util.concurrent.ConcurrentHashMap<String, LoadedFile> files = new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean keep;

    public LoadCache() {
      this(true);
    }

    private LoadCache(boolean keep) {
      this.keep = keep;
    }

    LoadedFile get(SourceFile file, SchemaValidator validator, SharedEntries shared) {
      if (!keep) return LoadedFile.load(file, validator, shared);
      return files.computeIfAbsent(key(file), k -> LoadedFile.load(file, validator, shared));
    }

    /**
     * After loading, a file's text is needed again only for a diagnostic's lines: unless this cache
     * compares texts to find files it has read, they are kept deflated from now on.
     */
    void loaded(List<SourceFile> sources) {
      if (!keep) sources.parallelStream().forEach(SourceFile::compact);
    }

    /** Forgets every file but these (a long-lived cache keeps only the revisions it still compiles). */
    public void retain(java.util.Collection<SourceFile> sources) {
      java.util.Set<String> keys = new java.util.HashSet<>();
      for (SourceFile f : sources) keys.add(key(f));
      files.keySet().retainAll(keys);
    }

    private static String key(SourceFile file) {
      return file.path() + "\u0000" + file.text();
    }
  }

  /**
   * One file's declarations and its diagnostics. Each document is validated and mapped to records as
   * soon as it is parsed: its tree dies then, so a large file never holds all its trees at once. Only
   * while its kind's schema is still being compiled (the first files of a run) does a parsed document
   * wait for it, so that parsing starts at once.
   */
  record LoadedFile(ModelMapper declarations, List<dev.anvil.diag.Diagnostic> diagnostics) {
    static LoadedFile load(SourceFile file, SchemaValidator validator, SharedEntries shared) {
      Diagnostics d = new Diagnostics();
      Diagnostics perDocument = new Diagnostics();
      ModelMapper mapper = new ModelMapper();
      java.util.ArrayDeque<Document> waiting = new java.util.ArrayDeque<>();
      java.util.function.Consumer<Document> judge = doc -> {
        if (validator.validate(doc, perDocument)) mapper.add(doc);
        else mapper.refused(doc);
      };
      boolean parsed = YamlReader.read(file, d, doc -> {
        waiting.add(doc);
        // in the file's order: a document waits while its kind's schema is compiled, and those after it with it
        while (!waiting.isEmpty() && validator.ready(waiting.peek().kind())) judge.accept(waiting.poll());
      }, shared);
      // a file that is not YAML as a whole declares nothing, and its documents are not judged one by one
      if (!parsed) return new LoadedFile(new ModelMapper(), d.all());
      waiting.forEach(judge);
      perDocument.all().forEach(d::add);
      return new LoadedFile(mapper, d.all());
    }
  }

  /** Compiles the given source files (from disk, or from a Git tree). */
  public static Compilation compile(List<SourceFile> sources) {
    return compile(sources, LoadCache.NONE);
  }

  public static Compilation compile(List<SourceFile> sources, LoadCache cache) {
    return run(sources, cache, true);
  }

  /**
   * One host (or pool) resolved, without emitting anything: what {@code anvil explain} needs. It
   * parses the documents that can bear on the host ({@link #resolveFromDocumentsBearingOn}); when those
   * have an error it parses every file, so that the errors are the ones a check reports. Of
   * resolution's findings only that host's count, and emitters' own (label budgets, say) are not checked.
   */
  public static Compilation resolve(Path repo, String host) throws IOException {
    List<String> problems = new ArrayList<>();
    List<SourceFile> sources = SourceTreeReader.read(repo, problems);
    Compilation c = resolveFromDocumentsBearingOn(sources, host);
    if (!c.ok()) c = run(sources, LoadCache.NONE, false, h -> h.name().equals(host));
    report(problems, c.diagnostics());
    return c;
  }

  /**
   * {@code host} resolved from every document but other hosts', other groups' policies, dashboards and
   * exporter contracts: a host's resolution draws on its groups' policies and on templates, never on
   * another host, and dashboards and contracts are judged against it, not part of it. A document is
   * left unparsed when it has none of the other kinds' names, nor {@code host}; then a policy, unless
   * it names one of the groups that may hold the host ({@link Declarations#groupsBearingOn}), and a
   * host, unless another document uses its name (those are parsed too, so references check as they
   * would) — see {@link WordScan}, {@link NameScan} and {@link DocumentSieve}.
   */
  static Compilation resolveFromDocumentsBearingOn(List<SourceFile> sources, String host) {
    Timings t = Timings.start();
    SchemaValidator validator = prepare();
    java.util.Set<String> words = new java.util.HashSet<>(SchemaValidator.KINDS.keySet());
    words.removeAll(BEARING_ON_NO_OTHER_HOST);
    words.remove("Policy");
    words.add(host);
    List<DocumentSieve> sieves = sources.parallelStream().map(DocumentSieve::new).toList();
    List<LoadedFile> loaded = new ArrayList<>(take(sieves, WordScan.of(words), validator));
    Declarations first = declarations(loaded, new Diagnostics());
    // a policy names the host (taken above) or one group (then no host: check refuses both); a pool's
    // group, or an unknown host, takes all
    DocumentSieve.Scan policies = WordScan.of(java.util.Set.of("Policy"));
    java.util.Set<String> groups = first.groupsBearingOn(host);
    // a file's documents taken now come after those taken before: only error messages would tell
    loaded.addAll(take(sieves, groups == null ? policies : policies.and(NameScan.of(groups)), validator));
    WordScan used = WordScan.of(first.hostNamesUsed());
    if (!used.isEmpty()) loaded.addAll(take(sieves, used, validator));
    Diagnostics diagnostics = new Diagnostics();
    Declarations declarations = declarations(loaded, diagnostics);
    t.phase("load+validate (" + loaded.size() + " parts of " + sources.size() + " files)");
    return resolveAndEmit(sources, declarations, diagnostics, t, false, h -> h.name().equals(host));
  }

  /** Loads, from each file, the documents not taken yet that the scan says may hold what it seeks. */
  private static List<LoadedFile> take(List<DocumentSieve> sieves, DocumentSieve.Scan words,
      SchemaValidator validator) {
    List<SourceFile> parts = sieves.parallelStream().map(s -> s.take(words)).filter(java.util.Objects::nonNull).toList();
    return load(parts, validator, LoadCache.NONE);
  }

  private static Compilation run(List<SourceFile> sources, LoadCache cache, boolean emit) {
    return run(sources, cache, emit, h -> true);
  }

  private static Compilation run(List<SourceFile> sources, LoadCache cache, boolean emit,
      java.util.function.Predicate<dev.anvil.model.Host> hosts) {
    Timings t = Timings.start();
    Diagnostics diagnostics = new Diagnostics();
    // compiling the schemas takes a moment: it overlaps with parsing the first files, if not begun before
    SchemaValidator validator = prepare();

    Declarations declarations = declarations(load(sources, validator, cache), diagnostics);
    t.phase("load+validate");
    cache.loaded(sources);
    t.phase("compact sources");
    return resolveAndEmit(sources, declarations, diagnostics, t, emit, hosts);
  }

  /** The phases after loading: references, resolution of the hosts {@code hosts} selects, contracts, emitters. */
  private static Compilation resolveAndEmit(List<SourceFile> sources, Declarations declarations, Diagnostics diagnostics,
      Timings t, boolean emit, java.util.function.Predicate<dev.anvil.model.Host> hosts) {
    Fleet fleet = new ReferenceChecker(diagnostics).check(declarations);
    t.phase("references");
    ResolvedFleet resolved = new Resolver(fleet, diagnostics).resolve(hosts);
    t.phase("resolve");
    dev.anvil.contract.ContractChecker.check(resolved, diagnostics);
    t.phase("contracts");
    if (diagnostics.hasErrors() || !emit) return new Compilation(sources, diagnostics, resolved, List.of());

    // emitters are independent pure functions: they run side by side, each with its own diagnostics,
    // reported in emitter order so that a run's messages do not depend on which finished first
    List<Emitted> emitted = Parallel.map(EMITTERS, e -> Emitted.of(e.get(), resolved));
    List<OutputFile> files = new ArrayList<>();
    for (Emitted e : emitted) {
      files.addAll(e.files());
      e.diagnostics().all().forEach(diagnostics::add);
      t.report("emit " + e.emitter().getClass().getSimpleName().replace("Emitter", "").toLowerCase(java.util.Locale.ROOT), e.nanos());
    }
    t.phase("emit (all)");
    files.sort(Comparator.comparing(OutputFile::path));
    if (diagnostics.hasErrors()) return new Compilation(sources, diagnostics, resolved, List.of());
    return new Compilation(sources, diagnostics, resolved, List.copyOf(files));
  }

  private record Emitted(Emitter emitter, List<OutputFile> files, Diagnostics diagnostics, long nanos) {
    static Emitted of(Emitter e, ResolvedFleet resolved) {
      long start = System.nanoTime();
      Diagnostics own = new Diagnostics();
      List<OutputFile> files = e.emit(resolved, own);
      return new Emitted(e, files, own, System.nanoTime() - start);
    }
  }

  /**
   * Parses, validates and maps each file independently (in parallel, the biggest first; results in file
   * order): only records stay.
   */
  private static List<LoadedFile> load(List<SourceFile> sources, SchemaValidator validator,
      LoadCache cache) {
    // the files of one load share the values of the top-level entries they repeat
    SharedEntries shared = new SharedEntries();
    return Parallel.map(sources, file -> file.text().length(), file -> cache.get(file, validator, shared));
  }

  /** The files' declarations together, and their diagnostics in file order. */
  private static Declarations declarations(List<LoadedFile> files, Diagnostics diagnostics) {
    ModelMapper mapper = new ModelMapper();
    for (LoadedFile f : files) {
      mapper.addAll(f.declarations());
      f.diagnostics().forEach(diagnostics::add);
    }
    return mapper.result();
  }

  /**
   * Starts compiling the schemas (0.1-0.2 s) on a thread of its own, unless that has begun: a run's
   * first documents wait for their kinds' schemas ({@link SchemaValidator#compile} takes those first),
   * so the CLI starts this before it builds its command line's model, which then runs beside it. Not
   * on the pool that parses: it would hold that pool's one thread on a 2-core machine while the first
   * files wait for a parser.
   */
  public static synchronized SchemaValidator prepare() {
    if (schemaValidator == null) {
      schemaValidator = new SchemaValidator();
      Thread compiling = new Thread(schemaValidator::compile, "anvil-schemas");
      compiling.setDaemon(true);
      compiling.start();
    }
    return schemaValidator;
  }
}
