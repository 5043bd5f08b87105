package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.Compiler;
import dev.anvil.TestSupport;
import dev.anvil.load.GitTreeReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bootstrap registration end to end: a bare config repository, {@code anvil token create} (the
 * service's jar, as the launcher runs it), {@code anvil serve} on 127.0.0.1, and the node script
 * fetched from the service ({@code curl .../register.sh | sh -s --}) reading the project's fake
 * sysfs and procfs (test/agent) with a stand-in nvidia-smi. The host arrives as a file on a review
 * branch that the compiler accepts; the deployed branch is untouched; tokens are single use, expire,
 * are stored hashed; duplicates and hostile reports are refused; a registration recorded but not
 * pushed before a crash is pushed when the service starts again.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RegistrationTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String BRANCH = "refs/heads/anvil/register/gpu-new-01";

  @TempDir Path tmp;
  private Loop loop;
  private Path origin;
  private Path config;
  private int port;

  @BeforeEach
  void repository() throws Exception {
    loop = new Loop(tmp);
    Path repo = loop.repo(90, "http://127.0.0.1:9/hook");
    loop.commit("fleet");
    origin = tmp.resolve("origin.git");
    Git.cloneRepository().setBare(true).setURI(repo.toUri().toString()).setDirectory(origin.toFile()).call().close();
    port = dev.anvil.Live.freePort();
    config = loop.serveConfig(port, origin.toString(), "registration: {}\n");
  }

  @AfterEach
  void stop() throws Exception {
    loop.close();
  }

  @Test
  void aNodeRegistersItselfOnAReviewBranchOnceWithItsHardware() throws Exception {
    String token = token("infrastructure:lab", "1h");
    loop.serveInProcess(config);
    String mainBefore = head(origin, "refs/heads/main");

    TestSupport.ToolResult r = register(token, node());
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("\"status\":\"registered\""), r.output());

    // the review branch: one commit on top of main, adding exactly the host's file
    try (Repository bare = Git.open(origin.toFile()).getRepository(); RevWalk walk = new RevWalk(bare)) {
      RevCommit c = walk.parseCommit(bare.resolve(BRANCH));
      assertEquals(mainBefore, c.getParent(0).getName());
      assertTrue(c.getFullMessage().startsWith("Register host gpu-new-01 in infrastructure:lab"), c.getFullMessage());
      JsonNode host = YAML.readTree(file(bare, c, "inventory/hosts/registered/gpu-new-01.yaml"));
      assertEquals("gpu-new-01", host.get("name").asText());
      assertEquals("10.0.1.99", host.get("address").asText());
      assertEquals("infrastructure:lab", host.get("primary_group").asText());
      JsonNode hw = host.get("hardware");
      assertEquals(4, hw.at("/cpu/cores").asInt());
      assertEquals("AMD EPYC 7763 64-Core Processor", hw.at("/cpu/model").asText());
      assertEquals(1007, hw.get("memory_gb").asInt(), "MemTotal 1056375412 kB is 1007 GiB");
      List<String> accelerators = new ArrayList<>();
      hw.get("accelerators").forEach(a -> accelerators.add(a.get("vendor").asText() + " " + a.get("model").asText() + " x"
          + a.get("count").asInt() + (a.has("memory_gb") ? " " + a.get("memory_gb").asInt() + "GB" : "")));
      // NVIDIA by nvidia-smi (2 GPUs; the NVSwitch is no GPU), the others by PCI id: every vendor Anvil
      // knows; the BMC's VGA, the NICs and the Rebellions virtual function are not accelerators
      assertEquals(List.of("nvidia NVIDIA A100-SXM4-80GB x2 80GB", "amd Instinct MI300X x1", "furiosa RNGD x1",
          "google-tpu PCI 1ae0:0062 x1", "intel-gaudi Gaudi2 x1", "rebellions RBLN-CA12 x1", "tenstorrent n300 x1"), accelerators);
      List<String> nics = new ArrayList<>();
      hw.get("nics").forEach(n -> nics.add(n.get("name").asText() + " " + n.get("type").asText() + " " + n.path("rate_gbps").asInt()));
      assertEquals(List.of("eno1 ethernet 25", "ens2 roce 10", "ib0 infiniband 200"), nics);
      assertEquals("/shared/data sets", hw.at("/mounts/0/path").asText());
      assertEquals("nfs", hw.at("/mounts/0/fstype").asText());
      assertEquals(1, hw.get("mounts").size(), "local file systems are not reported");

      // the branch as a whole compiles: what the reviewer merges is valid
      List<String> problems = new ArrayList<>();
      assertTrue(Compiler.compile(GitTreeReader.read(bare, c.getId(), problems), problems, Compiler.LoadCache.NONE).ok());
    }
    assertEquals(mainBefore, head(origin, "refs/heads/main"), "the deployed branch is not touched");

    // single use
    TestSupport.ToolResult again = register(token, node());
    assertEquals(1, again.exit(), again.output());
    assertTrue(again.output().contains("this token was used already (for host gpu-new-01)"), again.output());
    // the same host with a new token: a duplicate
    TestSupport.ToolResult duplicate = register(token("infrastructure:lab", "1h"), node());
    assertEquals(1, duplicate.exit());
    assertTrue(duplicate.output().contains("host gpu-new-01 is awaiting review already (branch anvil/register/gpu-new-01)"),
        duplicate.output());
    // unknown
    TestSupport.ToolResult unknown = register("anv_" + "x".repeat(43), node());
    assertEquals(1, unknown.exit());
    assertTrue(unknown.output().contains("unknown token") && unknown.output().contains("HTTP 401"), unknown.output());

    // the store keeps hashes, never a token
    String store = Files.readString(tmp.resolve("work/registration-tokens.json"));
    assertFalse(store.contains(token), "no token in the store");
    assertTrue(store.contains(RegistrationTokens.sha256(token)));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(tmp.resolve("work/registration-tokens.json"))));
    String metrics = loop.get(port, "/metrics").body();
    assertTrue(metrics.contains("anvil_serve_registrations_total{outcome=\"registered\"} 1.0"), metrics);
    assertTrue(metrics.contains("anvil_serve_registrations_total{outcome=\"duplicate\"} 2.0"), metrics);

    // a reviewer deletes the branch instead of merging it: the node may register again
    try (Git bare = Git.open(origin.toFile())) {
      bare.branchDelete().setBranchNames(BRANCH).setForce(true).call();
    }
    TestSupport.ToolResult anew = register(token("infrastructure:lab", "1h"), node());
    assertEquals(0, anew.exit(), anew.output());
    assertNotNull(head(origin, BRANCH));
  }

  @Test
  void expiredTokensAndHostileOrDuplicateReportsAreRefusedAndNothingIsPushed() throws Exception {
    String expiring = token("infrastructure:lab", "1s");
    loop.serveInProcess(config);
    Thread.sleep(1200);
    HttpResponse<String> expired = post(expiring, "{\"version\":1,\"name\":\"n1\",\"address\":\"10.0.0.1\"}");
    assertEquals(401, expired.statusCode());
    assertTrue(expired.body().contains("token expired at"), expired.body());

    String token = token("infrastructure:lab", "1h");
    for (String[] hostile : new String[][] {
        {"{\"version\":1,\"name\":\"../../etc/passwd\",\"address\":\"10.0.0.1\"}", "422", "is not a host name"},
        {"{\"version\":1,\"name\":\"n1\",\"address\":\"10.0.0.1\",\"cpu\":{\"model\":\"\\u001b[2Jx\"}}", "422", "not printable"},
        {"{\"version\":1,\"name\":\"n1\",\"address\":\"10.0.0.1; rm -rf /\"}", "422", "the compiler refuses the new host"},
        {"{\"version\":1,\"name\":\"n1\",\"address\":\"10.0.0.1\",\"pci\":[{\"vendor\":\"0x10de\",\"device\":\"$(id)\",\"class\":\"0x030200\"}]}",
            "422", "is no PCI id"},
        {"{\"version\":1,\"name\":\"web-01\",\"address\":\"10.0.0.1\"}", "409", "host web-01 exists"},
        {"not json", "400", "not JSON"}}) {
      HttpResponse<String> r = post(token, hostile[0]);
      assertEquals(Integer.parseInt(hostile[1]), r.statusCode(), hostile[0] + " → " + r.body());
      assertTrue(r.body().contains(hostile[2]), r.body());
      assertFalse(r.body().contains("\u001b"), r.body());
    }
    try (Repository bare = Git.open(origin.toFile()).getRepository()) {
      assertEquals(List.of("refs/heads/main"), bare.getRefDatabase().getRefsByPrefix("refs/heads/").stream().map(x -> x.getName()).toList());
    }
    // refused reports do not use the token up
    HttpResponse<String> ok = post(token, "{\"version\":1,\"name\":\"n1\",\"address\":\"10.0.0.1\"}");
    assertEquals(201, ok.statusCode(), ok.body());
  }

  @Test
  void aRegistrationRecordedButNotPushedBeforeACrashIsPushedOnStart() throws Exception {
    // the store as the service leaves it when it dies between recording a registration and pushing it
    RegistrationTokens tokens = new RegistrationTokens(tmp.resolve("work/registration-tokens.json"), Clock.systemUTC());
    String token = tokens.mint("infrastructure:lab", Duration.ofHours(1));
    String text = "apiVersion: anvil.dev/v1\nkind: Host\nname: gpu-new-01\naddress: 10.0.1.99\nprimary_group: infrastructure:lab\n";
    tokens.put(tokens.find(token).claimed("gpu-new-01", "inventory/hosts/registered/gpu-new-01.yaml", text,
        "anvil/register/gpu-new-01"));
    assertNull(head(origin, BRANCH));

    loop.serveInProcess(config);
    Loop.await(() -> head(origin, BRANCH) != null, 60, "the review branch pushed by reconcile");
    Loop.await(() -> tokens.find(token).phase() == RegistrationTokens.Phase.PUSHED, 10, "the token marked pushed");
    try (Repository bare = Git.open(origin.toFile()).getRepository(); RevWalk walk = new RevWalk(bare)) {
      RevCommit c = walk.parseCommit(bare.resolve(BRANCH));
      assertEquals(text, file(bare, c, "inventory/hosts/registered/gpu-new-01.yaml"));
      assertEquals(c.getName(), tokens.find(token).commit());
    }
  }

  @Test
  void tokenCreateSaysWhatIsWrongWithoutAStackTrace() throws Exception {
    // the token store's directory is a file: nothing can be written there
    Files.writeString(tmp.resolve("not-a-dir"), "x");
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "repository: " + origin + "\nregistration: {token_store: not-a-dir/tokens.json}\n");
    var r = TestSupport.exec(tmp, "java", "-cp", System.getProperty("java.class.path"), WebhookServer.class.getName(), "token",
        "create", "--config", bad.toString(), "--group", "infrastructure:lab");
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("anvil token: cannot use the token store: "), r.output());
    assertFalse(r.output().contains("\tat "), r.output());
    var usage = TestSupport.exec(tmp, "java", "-cp", System.getProperty("java.class.path"), WebhookServer.class.getName(), "token",
        "create", "--config", config.toString(), "--group", "not a group");
    assertEquals(2, usage.exit(), usage.output());
    assertTrue(usage.output().contains("is not a group name like infrastructure:dc1/rack-a1"), usage.output());
  }

  /** {@code anvil token create} as the launcher runs it: the service's jar, its own process. */
  private String token(String group, String ttl) throws Exception {
    var r = TestSupport.exec(tmp, "java", "-cp", System.getProperty("java.class.path"), WebhookServer.class.getName(), "token",
        "create", "--config", config.toString(), "--group", group, "--ttl", ttl);
    assertEquals(0, r.exit(), r.output());
    String token = r.output().lines().filter(l -> l.startsWith("anv_")).findFirst().orElseThrow();
    assertTrue(token.matches("anv_[A-Za-z0-9_-]{43}"), token);
    return token;
  }

  /** The node: a copy of test/agent's sysfs and procfs, a shared mount added, and a stand-in nvidia-smi. */
  private Path node() throws Exception {
    Path node = tmp.resolve("node");
    if (Files.exists(node)) return node;
    TestSupport.copyTree(WebhookEndToEndTest.ROOT.resolve("test/agent"), node);
    // test/agent's mounts are the machine's own (a link to /proc/self/mounts): this node has its own
    Path mounts = node.resolve("proc/self/mounts");
    Files.delete(mounts);
    Files.writeString(mounts, "/dev/vda / ext4 rw,relatime 0 0\ntmpfs /dev/shm tmpfs rw 0 0\n"
        + "nas-01:/export/data /shared/data\\040sets nfs4 rw,relatime 0 0\n");
    Path smi = node.resolve("bin/nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\nprintf 'NVIDIA A100-SXM4-80GB, 81920\\nNVIDIA A100-SXM4-80GB, 81920\\n'\n");
    smi.toFile().setExecutable(true);
    return node;
  }

  /** The one-liner: the script fetched from the service, piped to sh, the token in the environment. */
  private TestSupport.ToolResult register(String token, Path node) throws Exception {
    String url = "http://127.0.0.1:" + port;
    return TestSupport.exec(tmp, "env", "ANVIL_TOKEN=" + token, "PATH=" + node.resolve("bin") + ":" + System.getenv("PATH"), "sh", "-c",
        "curl -fsS " + url + "/register.sh | sh -s -- --url " + url + " --address 10.0.1.99 --sysfs " + node.resolve("sysfs")
            + " --procfs " + node.resolve("proc"));
  }

  private HttpResponse<String> post(String token, String body) throws Exception {
    return loop.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/register"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String head(Path repo, String ref) throws Exception {
    try (Repository r = Git.open(repo.toFile()).getRepository()) {
      ObjectId id = r.resolve(ref);
      return id == null ? null : id.getName();
    }
  }

  private static String file(Repository repo, RevCommit c, String path) throws Exception {
    try (TreeWalk w = TreeWalk.forPath(repo, path, c.getTree())) {
      assertNotNull(w, path + " in " + c.getName());
      return new String(repo.open(w.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
    }
  }
}
