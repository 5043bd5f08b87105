package dev.anvil.resolve;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map whose keys are shared with every other map of the same key set: its own values sit
 * in one array, one per key (null: absent), iterated in the keys' order. Resolution makes many maps
 * of one key set that live to the end of a run: a host's sections (one map per membership set), and
 * a section's entries (at 10k hosts of the benchmark, 3 000 alerts sections of 59 entries each). An
 * array each instead of a tree or hash node per entry is far fewer objects for every young
 * collection to copy.
 */
final class SharedKeyMap<V> extends AbstractMap<String, V> {
  /** A key set, in iteration order, and where each key is; one instance for all the maps that have it. */
  static final class Keys {
    private final String[] names;
    private final Map<String, Integer> index;

    Keys(List<String> names) {
      this.names = names.toArray(String[]::new);
      this.index = new HashMap<>(this.names.length * 2);
      for (int i = 0; i < this.names.length; i++) {
        if (index.put(this.names[i], i) != null) throw new IllegalArgumentException("duplicate key " + names.get(i));
      }
    }

    int size() {
      return names.length;
    }

    /** Where {@code key} is, or -1. */
    int indexOf(Object key) {
      Integer at = index.get(key);
      return at == null ? -1 : at;
    }

    boolean containsAll(java.util.Collection<String> keys) {
      return index.keySet().containsAll(keys);
    }
  }

  private final Keys keys;
  private final Object[] values;

  /** @param values one per key, in the keys' order (null: absent); kept, not copied */
  SharedKeyMap(Keys keys, Object[] values) {
    if (values.length != keys.size()) throw new IllegalArgumentException("one value per key");
    this.keys = keys;
    this.values = values;
  }

  Keys keys() {
    return keys;
  }

  /** The value of the key at {@code index} of {@link #keys} (null: absent). */
  @SuppressWarnings("unchecked")
  V valueAt(int index) {
    return (V) values[index];
  }

  /** This map with some values replaced: {@code changed} holds only keys of this map. */
  SharedKeyMap<V> with(Map<String, ? extends V> changed) {
    Object[] copy = values.clone();
    changed.forEach((k, v) -> copy[keys.indexOf(k)] = v);
    return new SharedKeyMap<>(keys, copy);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int at = keys.indexOf(key);
    return at < 0 ? null : (V) values[at];
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    int n = 0;
    for (Object v : values) if (v != null) n++;
    return n;
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, V>> iterator() {
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
          @SuppressWarnings("unchecked")
          public Entry<String, V> next() {
            if (!hasNext()) throw new NoSuchElementException();
            Entry<String, V> e = new SimpleImmutableEntry<>(keys.names[next], (V) values[next]);
            next = advance(next + 1);
            return e;
          }
        };
      }

      @Override
      public int size() {
        return SharedKeyMap.this.size();
      }
    };
  }
}
