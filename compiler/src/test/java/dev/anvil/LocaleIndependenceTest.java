package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.load.SourceFile;
import dev.anvil.load.SourceTreeReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
      Compiler.Compilation root = Compiler.compile(sources);
      assertTrue(root.files().size() > 10);
      String expected = files(root);
      for (String tag : List.of("tr-TR", "ar-EG", "th-TH-u-nu-thai", "hi-IN-u-nu-deva")) {
        Locale.setDefault(Locale.forLanguageTag(tag));
        assertEquals(expected, files(Compiler.compile(sources)), tag);
      }
    } finally {
      Locale.setDefault(before);
    }
  }

  /** Every output file under its path (TestSupport's rendering for approval files). */
  private static String files(Compiler.Compilation c) {
    assertTrue(c.ok(), c.diagnostics().all().toString());
    return TestSupport.render(c.files());
  }
}
