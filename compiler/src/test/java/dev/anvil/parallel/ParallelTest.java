package dev.anvil.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyItemOnceAndTheResultsInTheItemsOrder() {
    List<Integer> items = IntStream.range(0, 500).boxed().toList();
    ConcurrentHashMap<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    // sizes out of step with the order: the work is done in another order than the results come back
    List<String> out = Parallel.map(items, i -> (i * 7919L) % 500, i -> {
      calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
      return "r" + i;
    });
    assertEquals(items.stream().map(i -> "r" + i).toList(), out);
    assertEquals(500, calls.size());
    calls.forEach((i, n) -> assertEquals(1, n.get(), "item " + i));
  }

  @Test
  void theBiggestIsTakenFirst() {
    // one item at a time from one list: whichever thread takes first takes the biggest
    List<Long> taken = Collections.synchronizedList(new ArrayList<>());
    List<Long> sizes = List.of(3L, 90L, 5L, 40L, 1L);
    Parallel.map(sizes, s -> s, s -> taken.add(s));
    assertEquals(5, taken.size());
    assertEquals(90L, Collections.max(taken.subList(0, Math.min(taken.size(), 2))));
  }

  @Test
  void aFailureReachesTheCaller() {
    List<Integer> items = IntStream.range(0, 50).boxed().toList();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.map(items, i -> 0, i -> {
      if (i == 17) throw new IllegalStateException("item 17");
      return i;
    }));
    assertEquals("item 17", e.getMessage());
  }

  @Test
  void noItemsAndOneItem() {
    assertEquals(List.of(), Parallel.map(List.<String>of(), s -> 1, s -> s));
    assertEquals(List.of("a!"), Parallel.map(List.of("a"), s -> 1, s -> s + "!"));
  }
}
