package dev.anvil.resolve;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A host's resolved sections, in {@link Resolver#SECTIONS} order: one small array instead of a hash
 * table, as a fleet holds up to one per host (0.4 KB less each; 60 MB at 150k hosts). Immutable.
 */
final class SectionMap extends AbstractMap<String, ResolvedSection> {
  private static final String[] KEYS = Resolver.SECTIONS.toArray(String[]::new);
  private final ResolvedSection[] values;

  /**
   * @param values one per section of {@link Resolver#SECTIONS}, in its order (null: absent); kept, not
   *     copied. Hosts with the same memberships share one map.
   */
  SectionMap(ResolvedSection[] values) {
    if (values.length != KEYS.length) throw new IllegalArgumentException("one value per section");
    this.values = values;  // the resolver hands over a fresh array
  }

  @Override
  public ResolvedSection get(Object key) {
    // callers pass the resolver's own constants: found by identity before they are compared as text
    for (int i = 0; i < KEYS.length; i++) if (KEYS[i] == key) return values[i];
    for (int i = 0; i < KEYS.length; i++) if (KEYS[i].equals(key)) return values[i];
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Entry<String, ResolvedSection>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, ResolvedSection>> iterator() {
        return new Iterator<>() {
          private int next = advance(0);

          private int advance(int from) {
            while (from < values.length && values[from] == null) from++;
            return from;
          }

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Entry<String, ResolvedSection> next() {
            if (!hasNext()) throw new NoSuchElementException();
            Entry<String, ResolvedSection> e = new SimpleImmutableEntry<>(KEYS[next], values[next]);
            next = advance(next + 1);
            return e;
          }
        };
      }

      @Override
      public int size() {
        int n = 0;
        for (ResolvedSection v : values) if (v != null) n++;
        return n;
      }
    };
  }
}
