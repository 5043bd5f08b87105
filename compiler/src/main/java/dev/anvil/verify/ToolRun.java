package dev.anvil.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a consumer's own checking tool (promtool, amtool, scontrol): no input, output and
 * errors read together, killed with its children when it overruns its time.
 *
 * @param finished false when it was killed for taking longer than allowed
 */
public record ToolRun(boolean finished, int exit, String output) {

  public static ToolRun run(List<String> command, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return new ToolRun(false, -1, "");
    }
    return new ToolRun(true, p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
  }
}
