package dev.anvil.html;

/**
 * HTML for people: escaping of everything that comes from a configuration, and a self-contained
 * page (inline stylesheet, no fonts, scripts or anything else fetched: it works air-gapped and as a
 * single CI artifact). Shared by {@code anvil diff --format html} and {@code anvil preview}.
 */
public final class Html {
  private static final String CSS = dev.anvil.emit.Output.resource(Html.class, "anvil.css");

  private Html() {}

  /** Text as HTML: markup characters as entities, control characters (but tab and newline) as U+FFFD. */
  public static String escape(String text) {
    if (text == null) return "";
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c < 0x20 && c != '\n' && c != '\t' || c == 0x7f ? '\ufffd' : c);
      }
    }
    return sb.toString();
  }

  /** The stylesheet of every Anvil page. */
  public static String css() {
    return CSS;
  }

  /** A whole page around {@code body} (HTML already escaped where it holds data). */
  public static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<main>\n" + body
        + "</main>\n</body>\n</html>\n";
  }
}
