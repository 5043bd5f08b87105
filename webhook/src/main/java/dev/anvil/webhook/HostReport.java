package dev.anvil.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a node reports of itself (agent/anvil-register) as the Host document a person reviews. PCI
 * vendor and device ids name the accelerators (pci-accelerators.tsv, from the PCI ID Repository),
 * unless nvidia-smi named them on the node. Every value is checked here before the compiler sees it:
 * a report is refused whole, with the reason, rather than cleaned up.
 */
final class HostReport {
  /** A report's strings: printable, single line, short. The compiler's schema checks their shape after. */
  private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]{0,256}");
  private static final Pattern PCI_ID = Pattern.compile("0x[0-9a-f]{4}");
  private static final Pattern PCI_CLASS = Pattern.compile("0x[0-9a-f]{6}");
  private static final int MAX_ITEMS = 256;
  /** Shared file systems as /proc/mounts names them → the schema's fstype. */
  private static final Map<String, String> FSTYPES = Map.of("nfs", "nfs", "nfs4", "nfs", "cifs", "cifs", "smb3", "cifs",
      "lustre", "lustre", "gpfs", "gpfs", "beegfs", "beegfs", "wekafs", "weka");
  private static final Map<String, String> NIC_TYPES = Map.of("ethernet", "ethernet", "infiniband", "infiniband", "roce", "roce");
  private static final Table PCI = Table.load();

  /** A report that cannot become a Host: why, in words safe to show. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private HostReport() {}

  /** The Host document (as a map, in schema order) for {@code report}, in {@code group}. */
  static Map<String, Object> host(JsonNode report, String group) throws Refused {
    if (report == null || !report.isObject() || report.path("version").asInt() != 1) {
      throw new Refused("not a report of anvil-register version 1");
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "anvil.dev/v1");
    doc.put("kind", "Host");
    doc.put("name", text(report, "name", true));
    doc.put("address", text(report, "address", true));
    doc.put("primary_group", group);
    Map<String, Object> hardware = new LinkedHashMap<>();
    Map<String, Object> cpu = new LinkedHashMap<>();
    int cores = count(report.path("cpu"), "count");
    if (cores > 0) cpu.put("cores", cores);
    String model = text(report.path("cpu"), "model", false);
    if (!model.isEmpty()) cpu.put("model", model);
    if (!cpu.isEmpty()) hardware.put("cpu", cpu);
    long memoryKb = number(report, "memory_kb");
    // the kernel's MemTotal, rounded to whole GiB: what an operator writes for the machine
    if (memoryKb > 0) hardware.put("memory_gb", Math.max(1, Math.round(memoryKb / 1048576.0)));
    List<Map<String, Object>> accelerators = accelerators(report);
    if (!accelerators.isEmpty()) hardware.put("accelerators", accelerators);
    List<Map<String, Object>> nics = new ArrayList<>();
    for (JsonNode n : items(report, "nics")) {
      Map<String, Object> nic = new LinkedHashMap<>();
      nic.put("name", text(n, "name", true));
      String type = NIC_TYPES.get(text(n, "type", true));
      if (type == null) throw new Refused("nics: type '" + dev.anvil.diag.Text.shown(n.path("type").asText()) + "' is none of ethernet, infiniband, roce");
      nic.put("type", type);
      if (number(n, "rate_gbps") > 0) nic.put("rate_gbps", number(n, "rate_gbps"));
      nics.add(nic);
    }
    if (!nics.isEmpty()) hardware.put("nics", nics);
    List<Map<String, Object>> mounts = new ArrayList<>();
    for (JsonNode m : items(report, "mounts")) {
      String fstype = FSTYPES.get(text(m, "fstype", true));
      if (fstype == null) continue;  // a local file system: not the fleet's business
      Map<String, Object> mount = new LinkedHashMap<>();
      mount.put("path", unescapeMountPath(text(m, "path", true)));
      mount.put("fstype", fstype);
      String source = text(m, "source", false);
      if (!source.isEmpty()) mount.put("source", source);
      mounts.add(mount);
    }
    if (!mounts.isEmpty()) hardware.put("mounts", mounts);
    if (!hardware.isEmpty()) doc.put("hardware", hardware);
    return doc;
  }

  /**
   * The accelerators: PCI devices of a known vendor, counted by model. NVIDIA's are named as
   * nvidia-smi names them when it answered for each of them, since its names follow the product.
   */
  private static List<Map<String, Object>> accelerators(JsonNode report) throws Refused {
    Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
    for (JsonNode d : items(report, "pci")) {
      String vendor = id(d, "vendor");
      String device = id(d, "device");
      String klass = text(d, "class", true);
      if (!PCI_CLASS.matcher(klass).matches()) throw new Refused("pci: class '" + dev.anvil.diag.Text.shown(klass) + "' is no PCI class");
      if (!klass.startsWith("0x03") && !klass.startsWith("0x12")) continue;
      String anvilVendor = PCI.vendors.get(vendor);
      if (anvilVendor == null) continue;  // a BMC's VGA, another vendor's GPU: not an accelerator Anvil watches
      String sub = id(d, "subsystem_vendor") + ":" + id(d, "subsystem_device");
      String name = PCI.names.getOrDefault(vendor + ":" + device + ":" + sub, PCI.names.get(vendor + ":" + device));
      counts.merge(List.of(anvilVendor, name != null ? model(name) : "PCI " + vendor.substring(2) + ":" + device.substring(2)), 1,
          Integer::sum);
    }
    List<String> smi = new ArrayList<>();
    List<Long> smiMemory = new ArrayList<>();
    for (JsonNode line : items(report, "nvidia_smi")) {
      String text = line.asText();
      if (!PRINTABLE.matcher(text).matches()) throw new Refused("nvidia_smi: a line that is not printable text");
      int comma = text.lastIndexOf(',');
      smi.add((comma < 0 ? text : text.substring(0, comma)).strip());
      smiMemory.add(comma < 0 ? 0 : parseOrZero(text.substring(comma + 1).strip()));
    }
    int nvidia = counts.entrySet().stream().filter(e -> e.getKey().get(0).equals("nvidia")).mapToInt(Map.Entry::getValue).sum();
    List<Map<String, Object>> out = new ArrayList<>();
    if (nvidia > 0 && smi.size() == nvidia && smi.stream().distinct().count() == 1) {
      counts.keySet().removeIf(k -> k.get(0).equals("nvidia"));
      Map<String, Object> a = accelerator("nvidia", smi.get(0), nvidia);
      long mib = smiMemory.get(0);
      if (mib > 0) a.put("memory_gb", Math.max(1, Math.round(mib / 1024.0)));
      out.add(a);
    }
    counts.forEach((k, n) -> out.add(accelerator(k.get(0), k.get(1), n)));
    return out;
  }

  private static Map<String, Object> accelerator(String vendor, String model, int count) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("vendor", vendor);
    a.put("model", model);
    a.put("count", count);
    return a;
  }

  /** "GA100 [A100 SXM4 80GB]" → "A100 SXM4 80GB"; "Gaudi2 AI Training Accelerator" → "Gaudi2"; "n300" → "n300". */
  static String model(String pciName) {
    int open = pciName.lastIndexOf('[');
    int close = pciName.lastIndexOf(']');
    if (open >= 0 && close > open) return pciName.substring(open + 1, close).strip();
    return pciName.strip().split("\\s+")[0];
  }

  /** /proc/mounts writes blanks and backslashes in paths as octal escapes (tabs and newlines stay escaped: no control characters). */
  private static String unescapeMountPath(String path) {
    return path.replace("\\040", " ").replace("\\134", "\\");
  }

  private static String text(JsonNode n, String key, boolean required) throws Refused {
    JsonNode v = n.get(key);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      if (required) throw new Refused("'" + key + "' is missing");
      return "";
    }
    if (!v.isTextual() || !PRINTABLE.matcher(v.asText()).matches()) {
      throw new Refused("'" + key + "' is not printable text of at most 256 characters");
    }
    return v.asText();
  }

  private static String id(JsonNode n, String key) throws Refused {
    String v = text(n, key, true).toLowerCase(Locale.ROOT);
    if (!PCI_ID.matcher(v).matches()) throw new Refused("pci: " + key + " '" + dev.anvil.diag.Text.shown(v) + "' is no PCI id");
    return v;
  }

  private static long number(JsonNode n, String key) throws Refused {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) return 0;
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) throw new Refused("'" + key + "' is not a whole number");
    return v.asLong();
  }

  private static int count(JsonNode n, String key) throws Refused {
    long v = number(n, key);
    if (v > 1 << 20) throw new Refused("'" + key + "' is out of range");
    return (int) v;
  }

  private static long parseOrZero(String s) {
    return s.matches("[0-9]{1,9}") ? Long.parseLong(s) : 0;
  }

  private static List<JsonNode> items(JsonNode report, String key) throws Refused {
    JsonNode v = report.get(key);
    if (v == null || v.isNull()) return List.of();
    if (!v.isArray()) throw new Refused("'" + key + "' is not a list");
    if (v.size() > MAX_ITEMS) throw new Refused("'" + key + "' has more than " + MAX_ITEMS + " entries");
    List<JsonNode> out = new ArrayList<>();
    v.forEach(out::add);
    return out;
  }

  /** pci-accelerators.tsv: PCI vendor id → Anvil vendor; vendor:device[:subsystem] → PCI name. */
  private record Table(Map<String, String> vendors, Map<String, String> names) {
    static Table load() {
      Map<String, String> vendors = new HashMap<>();
      Map<String, String> names = new HashMap<>();
      try (var in = HostReport.class.getResourceAsStream("pci-accelerators.tsv");
          var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("#")) continue;
          String[] f = line.split("\t", 4);
          vendors.put("0x" + f[0], f[1]);
          String[] ids = f[2].split(":");
          names.put("0x" + f[0] + ":0x" + ids[0] + (ids.length == 3 ? ":0x" + ids[1] + ":0x" + ids[2] : ""), f[3]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Table(Map.copyOf(vendors), Map.copyOf(names));
    }
  }
}
