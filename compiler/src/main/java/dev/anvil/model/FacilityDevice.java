package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;

/**
 * A device of the facility that is no host: a PDU or a UPS of a rack, read over SNMP by an exporter
 * that a host runs (the multi-target pattern: {@code /snmp?target=ADDRESS&module=MODULE}).
 *
 * @param port its SNMP agent's UDP port
 * @param type pdu or ups: which exporters probe it (an exporter's {@code probes}) and its default module
 * @param group the group it serves (a rack): its namespace labels are the device's target labels
 * @param module the exporter module that reads it
 * @param communityFile the file, on the reading host, that holds its SNMP community; null: the default
 * @param via the host whose exporter scrapes it, or null: the one host that runs such an exporter
 * @param alerts parameters of its alert rules by rule name (threshold, for, severity, rated_current_amps)
 */
public record FacilityDevice(String name, String type, String address, int port, GroupName group, String module,
    String communityFile, String via, ObjectNode alerts, SourceRef source) {

  /** The module that reads a device of {@code type}: APC's rPDU2 tables for a PDU, the standard UPS-MIB for a UPS. */
  public static String moduleOf(String type) {
    return type.equals("ups") ? "ups_mib" : "apc_rpdu2";
  }

  /**
   * The name of the exporter module that reads it: its module, or with a community from a file, a
   * copy of that module per file, named after the file's path (the path is no secret; its content is).
   */
  public String moduleName() {
    if (communityFile == null) return module;
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256")
          .digest(communityFile.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return module + "_" + java.util.HexFormat.of().formatHex(h, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the exporter is asked to read: the address, and the port when it is not SNMP's 161. */
  public String target() {
    String host = address.contains(":") ? "[" + address + "]" : address;
    return port == 161 ? address : host + ":" + port;
  }
}
