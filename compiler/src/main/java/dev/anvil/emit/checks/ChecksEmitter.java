package dev.anvil.emit.checks;

import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.CheckList;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.resolve.ResolvedFleet;
import java.util.List;
import java.util.Map;

/**
 * {@code checks/<host>.json}: the check list the agent ({@code agent/anvil-check-agent}) runs on a
 * host, for the hosts that ask for it ({@code rollout.checks.delivery: file}) and run node_exporter
 * (the results travel through its textfile collector) — even with no checks: the agent then clears
 * the results of checks that were removed. Other hosts get the same document from the Ansible
 * playbook, which writes it from the inventory's {@code anvil_checks}.
 */
public final class ChecksEmitter implements Emitter {
  static final String DIR = "checks/";

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    return resolved.hosts().parallelStream()
        .filter(h -> h.runs(CheckList.EXPORTER) && CheckList.deliveredAsFile(h))
        .map(h -> Output.json(DIR + h.name() + ".json", Map.of("generated", Output.GENERATED, "host", h.name(), "checks", CheckList.of(h))))
        .toList();
  }
}
