package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;
import java.util.List;

/**
 * Fleet-wide Alertmanager settings: the oldest Alertmanager to support, the fallback receiver,
 * grouping, named time intervals, default routes and inhibition rules.
 */
public record Alerting(
    AlertmanagerVersion version,
    String secretsDir,
    String receiver,
    List<String> groupBy,
    String groupWait,
    String groupInterval,
    String repeatInterval,
    ObjectNode timeIntervals,
    ObjectNode defaultRoutes,
    ObjectNode inhibitRules,
    Remediation remediation,
    SourceRef source) {

  /** Receiver name of anvil serve's drain receiver in the emitted Alertmanager config. */
  public static final String REMEDIATION_RECEIVER = "anvil-remediation";

  /** anvil serve's drain receiver: its URL and the bearer token file Alertmanager reads. */
  public record Remediation(String url, String credentialsFile) {}

  /** A minor version of Alertmanager 0.x, for feature gates. */
  public record AlertmanagerVersion(int minor) {
    public static AlertmanagerVersion parse(String s) {
      return new AlertmanagerVersion(Integer.parseInt(s.substring(s.indexOf('.') + 1)));
    }

    public boolean atLeast(int otherMinor) {
      return minor >= otherMinor;
    }

    @Override
    public String toString() {
      return "0." + minor;
    }
  }
}
