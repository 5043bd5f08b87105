package dev.anvil.emit;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mustache with {@code [[ ]]} delimiters (so Prometheus' own {@code {{ $labels.x }}} templates pass
 * through untouched) and without HTML escaping, which would corrupt PromQL and YAML. Values put into
 * templates are validated numbers, durations and enums, or strings escaped by the caller.
 */
public final class Templates {
  private static final Pattern VARIABLE = Pattern.compile("\\[\\[\\s*[#^/&]?\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*]]");

  private static final DefaultMustacheFactory FACTORY = new DefaultMustacheFactory() {
    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (java.io.IOException e) {
        throw new MustacheException(e);
      }
    }
  };

  private Templates() {}

  public static Mustache compile(String name, String text) {
    return FACTORY.compile(new StringReader(text), name, "[[", "]]");
  }

  public static String render(Mustache template, Map<String, ?> scope) {
    StringWriter out = new StringWriter();
    template.execute(out, scope);
    return out.toString();
  }

  /** Names of the variables a template uses, so that unknown ones are reported rather than rendered empty. */
  public static Set<String> variables(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) names.add(m.group(1));
    return names;
  }
}
