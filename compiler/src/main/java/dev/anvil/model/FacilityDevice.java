package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;

/**
 * A device of the facility that is no host, read by an exporter that a host runs through the
 * multi-target pattern ({@code /snmp?target=ADDRESS&module=MODULE}, {@code /ipmi?target=…}): a
 * rack's PDU or UPS over SNMP, or a server's BMC over the network (IPMI over LAN).
 *
 * @param port the UDP port of its SNMP agent or its BMC's RMCP service
 * @param type pdu, ups or bmc: which exporters probe it (an exporter's {@code probes}) and its default module
 * @param group the group it serves (a PDU's rack): its namespace labels are the device's target labels; null for a BMC
 * @param host the host whose BMC it is (its labels are the BMC's); null for a PDU or UPS
 * @param module the exporter module that reads it
 * @param secretFile the file, on the reading host, that holds its SNMP community or its BMC user's
 *     password; null: the exporter's default (SNMP only)
 * @param login a BMC's login besides the password; null for a PDU or UPS
 * @param via the host whose exporter scrapes it, or null: the one host that runs such an exporter
 * @param alerts parameters of its alert rules by rule name (threshold, for, severity, rated_current_amps)
 */
public record FacilityDevice(String name, String type, String address, int port, GroupName group, String host,
    String module, String secretFile, Login login, String via, ObjectNode alerts, SourceRef source) {

  public static final String BMC = "bmc";

  /** How ipmi_exporter logs in to a BMC (FreeIPMI's driver and privilege level names). */
  public record Login(String user, String driver, String privilege) {}

  /** The module that reads a device of {@code type}: APC's rPDU2 tables for a PDU, the standard UPS-MIB for a UPS. */
  public static String moduleOf(String type) {
    return switch (type) {
      case "ups" -> "ups_mib";
      case BMC -> BMC;
      default -> "apc_rpdu2";
    };
  }

  /** SNMP's 161, or IPMI over LAN's 623 for a BMC. */
  public static int defaultPort(String type) {
    return type.equals(BMC) ? 623 : 161;
  }

  /**
   * The name of the exporter module that reads it: its module, or with a secret from a file, a copy
   * of that module per file and login, named after them (the path is no secret; its content is).
   */
  public String moduleName() {
    if (secretFile == null && login == null) return module;
    String key = login == null ? secretFile
        : String.join("\n", login.user(), String.valueOf(secretFile), login.driver(), login.privilege());
    return module + "_" + Sha256.hex(key, 4);
  }

  /** What the exporter is asked to read: the address, and the port when it is not the type's default. */
  public String target() {
    String host = address.contains(":") ? "[" + address + "]" : address;
    return port == defaultPort(type) ? address : host + ":" + port;
  }
}
