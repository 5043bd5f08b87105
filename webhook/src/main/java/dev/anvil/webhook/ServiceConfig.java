package dev.anvil.webhook;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.diag.Text;
import dev.anvil.model.PromDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The service's settings ({@code serve.yaml}). Secrets are files: signature secrets per Git host,
 * the token of the manual reload endpoint, and the credentials of each reload target. Unknown keys
 * and malformed values are errors with their position, like the compiler's.
 */
public record ServiceConfig(
    String listenHost,
    int listenPort,
    String repository,
    String branch,
    Path workDir,
    List<Target> prometheus,
    List<Target> alertmanager,
    Path githubSecretFile,
    Path gitlabTokenFile,
    Path giteaSecretFile,
    Path reloadTokenFile,
    int maxBodyBytes,
    int maxConnections,
    int keepOutputs,
    Duration pollInterval,
    Timeouts timeouts,
    Duration retryMax,
    Remediation remediation,
    Registration registration) {

  /** A reload endpoint: base URL, and optional bearer token file or basic auth user and password file. */
  public record Target(String url, Path bearerTokenFile, String username, Path passwordFile) {}

  /**
   * @param git each network operation of a fetch (JGit's transport timeout)
   * @param build a whole build: fetch, compile, verify, write, reload and confirm
   * @param reload each request to a consumer
   * @param idle an HTTP connection without traffic
   * @param requestHeader from connecting to a complete request
   */
  public record Timeouts(Duration git, Duration build, Duration reload, Duration idle, Duration requestHeader) {}

  /**
   * The drain receiver (docs/remediation.md), or null when not configured.
   *
   * @param tokenFile the bearer token Alertmanager sends (its http_config credentials_file)
   * @param allow alert names that may drain a node; a marked alert not listed here drains nothing
   * @param slurmConf SLURM_CONF for scontrol, or null for the cluster's default
   */
  public record Remediation(Path tokenFile, List<String> allow, String scontrol, Path slurmConf, int maxNodesPerHour,
      int maxPartitionPercent, Duration timeout, Path auditLog) {}

  /**
   * Node registration (docs/registration.md), or null when not configured.
   *
   * @param tokenStore the hashed tokens, shared with {@code anvil token create}
   * @param pushUrl where review branches go (default: the repository)
   * @param branchPrefix a review branch is this prefix and the host's name
   * @param hostsDir the directory of the repository the Host files are added to
   * @param pushUsername with {@code pushPasswordFile}: HTTPS credentials for the push
   */
  public record Registration(Path tokenStore, String pushUrl, String branchPrefix, String hostsDir, String pushUsername,
      Path pushPasswordFile) {}

  public Path live() {
    return workDir.resolve("live");
  }

  /** serve.yaml with an error: each line is "file:line:col: error: message". */
  public static final class Invalid extends Exception {
    public final List<String> errors;

    Invalid(List<String> errors) {
      super(String.join("\n", errors));
      this.errors = List.copyOf(errors);
    }
  }

  // The file as written. Plain classes, not records: Jackson then reads them in one streaming pass,
  // so every unknown key is reported (to the handler below) with its position, in file order.
  static final class FileTimeouts {
    public Duration git, build, reload, idle, requestHeader;
  }

  static final class FileTarget {
    public String url, bearerTokenFile, username, passwordFile;
  }

  static final class FileListen {
    public String host;
    public Integer port;
  }

  static final class FileRemediation {
    public String tokenFile, scontrol, slurmConf, auditLog;
    public List<String> allow;
    public Integer maxNodesPerHour, maxPartitionPercent;
    public Duration timeout;
  }

  static final class FileRegistration {
    public String tokenStore, pushUrl, branchPrefix, hostsDir, pushUsername, pushPasswordFile;
  }

  static final class File {
    public FileListen listen = new FileListen();
    public FileRemediation remediation;
    public FileRegistration registration;
    public String repository, branch, workDir;
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) public List<FileTarget> prometheus;
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) public List<FileTarget> alertmanager;
    public String githubSecretFile, gitlabTokenFile, giteaSecretFile, reloadTokenFile;
    public Integer maxBodyBytes, maxConnections, keepOutputs;
    public Duration pollInterval, retryMax;
    public FileTimeouts timeouts = new FileTimeouts();
  }

  public static ServiceConfig load(Path file) throws Invalid {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Invalid(List.of(name + ": error: cannot read: " + e.getClass().getSimpleName()));
    }
    List<String> errors = new ArrayList<>();
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationReader()))
        .addHandler(new DeserializationProblemHandler() {
          @Override
          public boolean handleUnknownProperty(DeserializationContext ctx, JsonParser p, JsonDeserializer<?> d,
              Object bean, String key) throws IOException {
            errors.add(keyAt(name, text, key, p.currentTokenLocation()) + "unknown key '" + Text.shown(key) + "'"
                + known(d.getKnownPropertyNames()));
            p.skipChildren();
            return true;
          }
        });
    File f;
    try {
      f = mapper.readValue(text, File.class);
    } catch (JacksonException e) {
      String message = Text.shown(e.getOriginalMessage());
      if (e instanceof InvalidFormatException ife) {
        message = "'" + Text.shown(String.valueOf(ife.getValue())) + "' is " + (ife.getTargetType() == Duration.class
            ? "not a duration like 30s or 1m30s" : "not a " + ife.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT));
      }
      errors.add(at(name, e.getLocation()) + message);
      throw new Invalid(errors);
    }
    if (f == null) throw new Invalid(List.of(name + ": error: empty; 'repository' is required"));
    if (!errors.isEmpty()) throw new Invalid(errors);

    Path base = file.toAbsolutePath().getParent();
    if (f.repository == null || f.repository.isBlank()) errors.add(name + ": error: 'repository' is required");
    FileListen listen = f.listen == null ? new FileListen() : f.listen;
    FileTimeouts t = f.timeouts == null ? new FileTimeouts() : f.timeouts;
    ServiceConfig c = new ServiceConfig(
        or(listen.host, "127.0.0.1"),
        or(listen.port, 9111),
        f.repository,
        or(f.branch, "main"),
        base.resolve(or(f.workDir, "/var/lib/anvil")),
        targets(f.prometheus, base, name, "prometheus", errors),
        targets(f.alertmanager, base, name, "alertmanager", errors),
        path(f.githubSecretFile, base),
        path(f.gitlabTokenFile, base),
        path(f.giteaSecretFile, base),
        path(f.reloadTokenFile, base),
        or(f.maxBodyBytes, 1 << 20),
        or(f.maxConnections, 256),
        or(f.keepOutputs, 5),
        or(f.pollInterval, Duration.ofSeconds(60)),
        new Timeouts(or(t.git, Duration.ofSeconds(60)), or(t.build, Duration.ofMinutes(10)),
            or(t.reload, Duration.ofSeconds(30)), or(t.idle, Duration.ofSeconds(60)),
            or(t.requestHeader, Duration.ofSeconds(10))),
        or(f.retryMax, Duration.ofMinutes(5)),
        remediation(f.remediation, base, name, errors),
        registration(f.registration, f, base, name, errors));
    if (c.listenPort() < 0 || c.listenPort() > 65535) errors.add(name + ": error: listen.port " + c.listenPort() + " is not a port");
    if (c.keepOutputs() < 1) errors.add(name + ": error: keep_outputs must be at least 1 (the live output)");
    if (c.maxConnections() < 1) errors.add(name + ": error: max_connections must be at least 1");
    if (c.pollInterval().isZero()) errors.add(name + ": error: poll_interval must be longer than 0s");
    if (!errors.isEmpty()) throw new Invalid(errors);
    return c;
  }

  /**
   * The configured secret files, each readable and not empty: checked at start, so a service that
   * would accept an empty signature never runs.
   */
  public List<String> secretProblems() {
    List<String> problems = new ArrayList<>();
    secret("github_secret_file", githubSecretFile, problems);
    secret("gitlab_token_file", gitlabTokenFile, problems);
    secret("gitea_secret_file", giteaSecretFile, problems);
    secret("reload_token_file", reloadTokenFile, problems);
    if (remediation != null) secret("remediation.token_file", remediation.tokenFile(), problems);
    if (registration != null) secret("registration.push_password_file", registration.pushPasswordFile(), problems);
    for (Target t : all()) {
      secret("bearer_token_file", t.bearerTokenFile(), problems);
      secret("password_file", t.passwordFile(), problems);
    }
    return problems;
  }

  /** Every reload target, Prometheus first. */
  public List<Target> all() {
    List<Target> all = new ArrayList<>(prometheus);
    all.addAll(alertmanager);
    return all;
  }

  private static void secret(String key, Path file, List<String> problems) {
    if (file == null) return;
    try {
      if (Signatures.readSecret(file).length == 0) problems.add(key + " " + file + " is empty");
    } catch (IOException e) {
      problems.add(key + " " + file + " is not readable (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static Remediation remediation(FileRemediation r, Path base, String name, List<String> errors) {
    if (r == null) return null;
    if (r.tokenFile == null) errors.add(name + ": error: remediation.token_file is required: Alertmanager must authenticate");
    if (r.allow == null || r.allow.isEmpty()) {
      errors.add(name + ": error: remediation.allow must list the alerts that may drain a node");
    }
    Remediation out = new Remediation(path(r.tokenFile, base), r.allow == null ? List.of() : List.copyOf(r.allow),
        or(r.scontrol, "scontrol"), path(r.slurmConf, base), or(r.maxNodesPerHour, 2), or(r.maxPartitionPercent, 10),
        or(r.timeout, Duration.ofSeconds(10)), base.resolve(or(r.auditLog, "/var/lib/anvil/remediation-audit.jsonl")));
    if (out.maxNodesPerHour() < 1) errors.add(name + ": error: remediation.max_nodes_per_hour must be at least 1");
    if (out.maxPartitionPercent() < 1 || out.maxPartitionPercent() > 100) {
      errors.add(name + ": error: remediation.max_partition_percent must be 1 to 100");
    }
    return out;
  }

  private static Registration registration(FileRegistration r, File f, Path base, String name, List<String> errors) {
    if (r == null) return null;
    Path work = base.resolve(or(f.workDir, "/var/lib/anvil"));
    Registration out = new Registration(r.tokenStore == null ? work.resolve("registration-tokens.json") : base.resolve(r.tokenStore),
        or(r.pushUrl, f.repository), or(r.branchPrefix, "anvil/register/"), or(r.hostsDir, "inventory/hosts/registered"),
        r.pushUsername, path(r.pushPasswordFile, base));
    if (!out.branchPrefix().matches("[A-Za-z0-9._/-]*") || out.branchPrefix().contains("..") || out.branchPrefix().startsWith("/")) {
      errors.add(name + ": error: registration.branch_prefix '" + Text.shown(out.branchPrefix()) + "' is not a branch name prefix");
    }
    if (!out.hostsDir().matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*") || out.hostsDir().contains("..")) {
      errors.add(name + ": error: registration.hosts_dir '" + Text.shown(out.hostsDir()) + "' is not a directory inside the repository");
    }
    if ((out.pushUsername() == null) != (out.pushPasswordFile() == null)) {
      errors.add(name + ": error: registration.push_username and push_password_file go together");
    }
    return out;
  }

  private static List<Target> targets(List<FileTarget> in, Path base, String name, String key, List<String> errors) {
    if (in == null) return List.of();
    List<Target> out = new ArrayList<>();
    for (FileTarget t : in) {
      if (t == null || t.url == null) {
        errors.add(name + ": error: every " + key + " entry needs a 'url'");
        continue;
      }
      out.add(new Target(t.url, path(t.bearerTokenFile, base), t.username, path(t.passwordFile, base)));
    }
    return List.copyOf(out);
  }

  private static Path path(String value, Path base) {
    return value == null ? null : base.resolve(value);
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static String at(String file, JsonLocation l) {
    return l == null ? file + ": error: " : file + ":" + l.getLineNr() + ":" + l.getColumnNr() + ": error: ";
  }

  /**
   * Where {@code key} is written: Jackson reports an unknown key at its value, so look back from
   * there for the key itself (same line for {@code key: value}, an earlier one for a block value).
   */
  private static String keyAt(String file, String text, String key, JsonLocation value) {
    if (value == null || value.getLineNr() < 1) return at(file, value);
    int offset = 0;
    for (int line = 1; line < value.getLineNr() && offset >= 0; line++) offset = text.indexOf('\n', offset) + 1;
    offset = Math.min(text.length(), Math.max(0, offset) + Math.max(0, value.getColumnNr() - 1));
    int k = text.lastIndexOf(key, offset);
    if (k < 0) return at(file, value);
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < k; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return file + ":" + line + ":" + (k - lineStart + 1) + ": error: ";
  }

  private static String known(Collection<Object> names) {
    if (names == null || names.isEmpty()) return "";
    return " (known: " + String.join(", ", names.stream().map(String::valueOf).sorted().toList()) + ")";
  }

  /** Durations as Prometheus writes them ("30s", "1m30s"): the same syntax as the fleet's files. */
  private static final class DurationReader extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String text = p.getValueAsString();
      try {
        return Duration.ofMillis(PromDuration.millis(text == null ? "" : text));
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, "not a duration like 30s or 1m30s", text, Duration.class);
      }
    }
  }
}
