package dev.anvil.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host address as Prometheus, Ansible and Slurm use it: an IPv4 address, an IPv6 address, or a
 * DNS name — never with a port, which each exporter adds. Checked by syntax alone: nothing is
 * looked up.
 */
public final class Address {
  // compiled once: every host's address is checked
  private static final Pattern IPV4_CHARACTERS = Pattern.compile("[0-9.]+");
  private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

  private Address() {}

  /** Why {@code text} is not an address, or null when it is one. */
  public static String problem(String text) {
    if (text.contains(":")) {
      if (text.chars().filter(c -> c == ':').count() == 1) {
        return "'" + text + "' has a port; give the address alone (each exporter's port is added to it)";
      }
      try {
        URI uri = new URI("http://[" + text + "]/");
        if (uri.getHost() == null) return "'" + text + "' is not a valid IPv6 address";
      } catch (URISyntaxException e) {
        return "'" + text + "' is not a valid IPv6 address";
      }
      return null;
    }
    if (IPV4_CHARACTERS.matcher(text).matches()) {
      String[] octets = text.split("\\.", -1);
      if (octets.length != 4) return "'" + text + "' is not a valid IPv4 address (four numbers 0 to 255)";
      for (String o : octets) {
        if (o.isEmpty() || o.length() > 3 || Integer.parseInt(o) > 255 || (o.length() > 1 && o.startsWith("0"))) {
          return "'" + text + "' is not a valid IPv4 address (four numbers 0 to 255, no leading zeros)";
        }
      }
      return null;
    }
    if (text.length() > 253) return "DNS name '" + text.substring(0, 40) + "…' is longer than 253 characters";
    for (String label : text.split("\\.", -1)) {
      if (!DNS_LABEL.matcher(label).matches()) {
        return "'" + text + "' is not a valid DNS name (labels of letters, digits and '-', 1 to 63 characters,"
            + " separated by single dots)";
      }
    }
    return null;
  }

  /** The form two spellings of one address share, for finding duplicates. */
  public static String canonical(String text) {
    if (text.contains(":")) {
      try {
        return java.net.InetAddress.getByName(text).getHostAddress();  // an IPv6 literal: parsed, not resolved
      } catch (java.net.UnknownHostException e) {
        return text.toLowerCase(Locale.ROOT);
      }
    }
    return text.toLowerCase(Locale.ROOT);
  }
}
