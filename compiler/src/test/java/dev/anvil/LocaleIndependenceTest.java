package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.load.SourceFile;
import dev.anvil.load.SourceTreeReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * out/ is the same whatever the machine's locale: Turkish upper-cases 'i' to 'İ' (a policy's
 * strategy would not parse), and Arabic or Thai write digits of their own (an Alertmanager time
 * interval would read ٠٩:٠٠).
 */
@Isolated("sets the JVM's default locale")
class LocaleIndependenceTest {
  @Test
  void theExampleFleetCompilesToTheSameFilesInEveryLocale() throws Exception {
    List<SourceFile> sources = SourceTreeReader.read(TestSupport.repoRoot(), new ArrayList<>());
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.ROOT);
      Map<String, String> expected = files(Compiler.compile(sources));
      assertTrue(expected.size() > 10);
      for (String tag : List.of("tr-TR", "ar-EG", "th-TH-u-nu-thai", "hi-IN-u-nu-deva")) {
        Locale.setDefault(Locale.forLanguageTag(tag));
        assertEquals(expected, files(Compiler.compile(sources)), tag);
      }
    } finally {
      Locale.setDefault(before);
    }
  }

  private static Map<String, String> files(Compiler.Compilation c) {
    assertTrue(c.ok(), c.diagnostics().all().toString());
    Map<String, String> out = new TreeMap<>();
    c.files().forEach(f -> out.put(f.path(), new String(f.bytes(), java.nio.charset.StandardCharsets.UTF_8)));
    return out;
  }
}
