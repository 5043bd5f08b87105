package dev.anvil;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test that runs real daemons on 127.0.0.1: a temporary directory, and whatever the test started in
 * {@link #live} stopped after it, pass or fail.
 */
public abstract class LiveTest {
  @TempDir protected Path tmp;
  protected Live live;

  @AfterEach
  void stopTheDaemons() throws InterruptedException {
    if (live != null) live.close();
  }
}
