package dev.anvil.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The service's settings (a small YAML file). Secrets are files: signature secrets per Git host,
 * the token of the manual reload endpoint, and the credentials for Prometheus and Alertmanager.
 */
public record ServiceConfig(
    String listenHost,
    int listenPort,
    String repository,
    String branch,
    Path workDir,
    Target prometheus,
    Target alertmanager,
    Path githubSecretFile,
    Path gitlabTokenFile,
    Path giteaSecretFile,
    Path reloadTokenFile,
    int maxBodyBytes) {

  /** A reload endpoint: base URL, and optional bearer token file or basic auth user and password file. */
  public record Target(String url, Path bearerTokenFile, String username, Path passwordFile) {}

  public Path live() {
    return workDir.resolve("live");
  }

  public static ServiceConfig load(Path file) throws IOException {
    JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    Path base = file.toAbsolutePath().getParent();
    return new ServiceConfig(
        n.path("listen").path("host").asText("127.0.0.1"),
        n.path("listen").path("port").asInt(9111),
        required(n, "repository"),
        n.path("branch").asText("main"),
        base.resolve(n.path("work_dir").asText("/var/lib/anvil")),
        target(n.get("prometheus"), base),
        target(n.get("alertmanager"), base),
        path(n, "github_secret_file", base),
        path(n, "gitlab_token_file", base),
        path(n, "gitea_secret_file", base),
        path(n, "reload_token_file", base),
        n.path("max_body_bytes").asInt(1 << 20));
  }

  private static Target target(JsonNode n, Path base) {
    if (n == null) return null;
    return new Target(required(n, "url"), path(n, "bearer_token_file", base), n.has("username") ? n.get("username").asText() : null,
        path(n, "password_file", base));
  }

  private static Path path(JsonNode n, String field, Path base) {
    return n.has(field) ? base.resolve(n.get(field).asText()) : null;
  }

  private static String required(JsonNode n, String field) {
    if (!n.hasNonNull(field)) throw new IllegalArgumentException("service config: '" + field + "' is required");
    return n.get(field).asText();
  }
}
