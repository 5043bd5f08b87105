package dev.anvil.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs builds one at a time, off the event loop, each under a deadline. Requests arriving while a
 * build runs are coalesced into one more build, which fetches the newest commit: a burst of N
 * pushes yields at most two builds and always ends on the newest commit. A build that passes its
 * deadline is cancelled and abandoned (its thread is interrupted and may no longer record
 * anything), so a stuck Git host or consumer never blocks the builds after it.
 */
final class BuildQueue {
  /** One build; returns its outcome. */
  interface Build {
    String run(boolean force, Cancel cancel) throws Exception;
  }

  /** Set when a build passed its deadline: the build checks it before every step it records. */
  static final class Cancel {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    void check() throws Cancelled {
      if (cancelled.get() || Thread.currentThread().isInterrupted()) throw new Cancelled();
    }

    boolean cancelled() {
      return cancelled.get();
    }
  }

  static final class Cancelled extends Exception {
    Cancelled() {
      super("cancelled: the build passed its deadline");
    }
  }

  /** Told of each finished build (on the supervisor thread). */
  interface Listener {
    void finished(String outcome, Instant started);
  }

  private final Build build;
  private final Duration deadline;
  private final Listener listener;
  private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "anvil-build-supervisor");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean force = new AtomicBoolean();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicInteger threads = new AtomicInteger();
  private volatile Instant runningSince;

  BuildQueue(Build build, Duration deadline, Listener listener) {
    this.build = build;
    this.deadline = deadline;
    this.listener = listener;
  }

  /** A build soon; {@code forced} also reloads the consumers when nothing changed. */
  void request(boolean forced) {
    if (forced) force.set(true);
    pending.set(true);
    if (scheduled.compareAndSet(false, true)) supervisor.execute(this::drain);
  }

  /** A build after {@code delay} (polling, retries). */
  void requestIn(Duration delay) {
    if (!supervisor.isShutdown()) supervisor.schedule(() -> request(false), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Polls every {@code interval}, starting now. */
  void pollEvery(Duration interval) {
    supervisor.scheduleWithFixedDelay(() -> request(false), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** When the running build started, or null. */
  Instant runningSince() {
    return runningSince;
  }

  /** Whether a build has been running for longer than its deadline. */
  boolean stuck() {
    Instant since = runningSince;
    return since != null && Duration.between(since, Instant.now()).compareTo(deadline) > 0;
  }

  private void drain() {
    try {
      while (pending.getAndSet(false)) runOne(force.getAndSet(false));
    } finally {
      scheduled.set(false);
      // a request that arrived between the last check and the reset must not be lost
      if (pending.get() && scheduled.compareAndSet(false, true)) supervisor.execute(this::drain);
    }
  }

  private void runOne(boolean forced) {
    Cancel cancel = new Cancel();
    String[] outcome = {"error"};
    Instant started = Instant.now();
    runningSince = started;
    Thread worker = new Thread(() -> {
      try {
        outcome[0] = build.run(forced, cancel);
      } catch (Cancelled e) {
        outcome[0] = "timeout";
      } catch (Exception e) {
        outcome[0] = "error";
      }
    }, "anvil-build-" + threads.incrementAndGet());
    worker.setDaemon(true);
    worker.start();
    try {
      worker.join(deadline.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String result;
    if (worker.isAlive()) {
      cancel.cancelled.set(true);
      worker.interrupt();
      result = "timeout";
    } else {
      result = outcome[0];
    }
    runningSince = null;
    listener.finished(result, started);
  }

  void shutdown() {
    supervisor.shutdownNow();
  }
}
