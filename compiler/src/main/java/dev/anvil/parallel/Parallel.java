package dev.anvil.parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Independent pieces of work on the common fork-join pool and the calling thread, taken one at a
 * time, biggest first. A parallel stream splits its list into runs of neighbours, each worked
 * through by one thread (on two cores, a quarter of the list per run): big neighbours, such as a
 * fleet's host files or the scrape job of every host, then end on one core while the other idles.
 */
public final class Parallel {
  private Parallel() {}

  /** {@code f} of each item, in the items' order, computed in that order too. */
  public static <T, R> List<R> map(List<T> items, Function<T, R> f) {
    return map(items, item -> 0, f);
  }

  /**
   * {@code f} of each item, in the items' order, computed largest {@code size} first (equal sizes in
   * list order).
   */
  public static <T, R> List<R> map(List<T> items, ToLongFunction<T> size, Function<T, R> f) {
    int n = items.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) sizes[i] = size.applyAsLong(items.get(i));
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> sizes[i]).reversed());
    Object[] out = new Object[n];
    AtomicInteger next = new AtomicInteger();
    // the first failure, as thrown (the pool would wrap it), and no new piece taken after it
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable take = () -> {
      try {
        for (int k = next.getAndIncrement(); k < n; k = next.getAndIncrement()) {
          out[order[k]] = f.apply(items.get(order[k]));
        }
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
        next.set(n);
      }
    };
    List<ForkJoinTask<?>> helpers = new ArrayList<>();
    for (int h = Math.min(n - 1, ForkJoinPool.getCommonPoolParallelism()); h > 0; h--) {
      helpers.add(ForkJoinPool.commonPool().submit(take));
    }
    take.run();
    helpers.forEach(ForkJoinTask::join);
    if (failure.get() instanceof RuntimeException e) throw e;
    if (failure.get() instanceof Error e) throw e;
    @SuppressWarnings("unchecked")
    List<R> results = (List<R>) Collections.unmodifiableList(Arrays.asList(out));
    return results;
  }
}
