package dev.anvil.emit;

import dev.anvil.diag.Diagnostics;
import dev.anvil.resolve.ResolvedFleet;
import java.util.List;

/**
 * Turns the resolved fleet into files for one target system. Emitters know nothing of YAML input,
 * Git or the file system; the writer is the only code that touches {@code out/}.
 */
public interface Emitter {
  List<OutputFile> emit(ResolvedFleet fleet, Diagnostics diagnostics);
}
