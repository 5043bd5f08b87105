package dev.anvil.webhook;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One worker, off the event loop. Requests arriving while a build runs are coalesced into one more
 * build, which fetches the newest commit: a burst of N pushes yields at most two builds and always
 * ends on the newest commit.
 */
final class BuildQueue {
  private final Runnable build;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "anvil-build");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  BuildQueue(Runnable build) {
    this.build = build;
  }

  void request() {
    pending.set(true);
    if (scheduled.compareAndSet(false, true)) worker.execute(this::drain);
  }

  private void drain() {
    try {
      while (pending.getAndSet(false)) build.run();
    } finally {
      scheduled.set(false);
      // a request that arrived between the last check and the reset must not be lost
      if (pending.get() && scheduled.compareAndSet(false, true)) worker.execute(this::drain);
    }
  }

  void shutdown() {
    worker.shutdownNow();
  }
}
