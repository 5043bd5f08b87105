package dev.anvil.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Top-level entries parsed once per distinct text, for the files of one load. A fleet's Host
 * documents repeat their hardware, groups and labels from host to host; only the name and address
 * differ. In a document that is a block mapping, each line that starts at column 0 with a key begins
 * a top-level entry, and the entry runs to the next such line: its text parses to the same value
 * wherever it stands. So a file is split into documents and entries without parsing; each distinct
 * entry of a file is parsed once, all of them as one mapping under keys of their own (of a benchmark
 * Host file, a tenth of its text); and an entry found in two places, in one file or two, is
 * remembered for the load's later files, which take the value parsed then. Equal entries share one
 * tree: trees are never changed after loading.
 *
 * <p>Why an entry's text means the same alone: YAML ends a top-level value at a line that starts at
 * column 0 — a block scalar, a plain scalar and a nested block all need indentation. SnakeYAML lets a
 * flow collection or a quoted scalar run on over such a line; split there, the entry before it is
 * left unclosed and does not parse. Anchors and aliases could tie entries together: files with
 * {@code &} or {@code *} are read whole. So is any file in a form this does not know (a line break
 * other than LF, a character outside printable ASCII, a directive, a document end marker, a document
 * that is not a block mapping, a key that is not a plain word), and any file whose entries do not
 * parse as expected: the whole-file reader then parses it and reports what is wrong, as it would
 * have without this.
 */
public final class SharedEntries {
  /** Distinct entries remembered, in characters of their text: what the values' trees may cost. */
  private static final long MAX_CHARS = 1 << 20;
  /** An entry is remembered when it is seen the second time: a host's name and address never are. */
  private static final int SEEN_SLOTS = 1 << 16;

  /** The characters {@link #plain} allows, by code: one look-up per character of a file. */
  private static final boolean[] PLAIN = new boolean[0x7f];

  static {
    for (char c = 0x20; c < 0x7f; c++) PLAIN[c] = c != '&' && c != '*';
    PLAIN['\n'] = true;
  }

  private final ConcurrentHashMap<String, JsonNode> values = new ConcurrentHashMap<>();
  private final AtomicLong chars = new AtomicLong();
  private final AtomicLongArray seen = new AtomicLongArray(SEEN_SLOTS);

  /** One top-level entry: its key, where its text is in the file, and its value once known. */
  private static final class Entry {
    final String key;
    final int start;
    int end;
    String text;
    JsonNode value;
    /** The same text's first entry in the file, when this one repeats it and it was not known before. */
    Entry first;

    Entry(String key, int start) {
      this.key = key;
      this.start = start;
    }
  }

  /** One document: its index in the file (empty documents count), the line of its first entry, its entries. */
  private static final class Part {
    final int index;
    final List<Entry> entries = new ArrayList<>();
    int firstLine;

    Part(int index) {
      this.index = index;
    }
  }

  /**
   * The file's documents (those that are empty left out), or null when the file is not in the form
   * described above: the caller then reads it whole.
   */
  List<Document> read(SourceFile file) {
    String t = file.text();
    if (t.isEmpty() || t.charAt(t.length() - 1) != '\n' || !plain(t)) return null;
    List<Part> parts = split(t);
    if (parts == null) return null;

    // each distinct entry not known yet is parsed once, where it first stands in the file: all of them
    // as the entries of one mapping, each under a key of its own ("e0", "e1", ...) instead of its key —
    // a key's length changes none of the value's parse — so that no document or key is repeated
    Map<String, Entry> firstInFile = new HashMap<>();
    List<Entry> repeats = new ArrayList<>();
    List<Entry> unseen = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (Part p : parts) {
      for (Entry e : p.entries) {
        e.text = t.substring(e.start, e.end);
        e.value = values.get(e.text);
        if (e.value != null) continue;
        e.first = firstInFile.putIfAbsent(e.text, e);
        if (e.first != null) {
          repeats.add(e);
        } else {
          text.append('e').append(unseen.size()).append(e.text, e.key.length(), e.text.length());
          unseen.add(e);
        }
      }
    }
    if (!unseen.isEmpty()) {
      List<JsonNode> roots = YamlReader.parseStream(file.path(), text.toString());
      if (roots == null || roots.size() != 1 || !(roots.get(0) instanceof ObjectNode root)
          || root.size() != unseen.size()) {
        return null;
      }
      for (int i = 0; i < unseen.size(); i++) {
        unseen.get(i).value = root.get("e" + i);
        if (unseen.get(i).value == null) return null;
      }
    }
    for (Entry e : repeats) e.value = e.first.value;

    List<Document> docs = new ArrayList<>(parts.size());
    for (Part p : parts) {
      if (p.entries.isEmpty()) continue;
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      for (Entry e : p.entries) {
        if (root.has(e.key)) return null;  // a duplicate key: the whole-file reader says where
        root.set(e.key, e.value);
      }
      docs.add(new Document(new SourceRef(file, p.index, p.firstLine), root));
    }
    for (Entry e : unseen) remember(e.text, e.value);
    for (Entry e : repeats) remember(e.text, e.value);
    return docs;
  }

  /** Printable ASCII and line feeds only, with no anchor or alias. */
  private static boolean plain(String t) {
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= PLAIN.length || !PLAIN[c]) return false;
    }
    return true;
  }

  /** The file's documents that have entries, and their entries; null when a line is in no form known here. */
  private static List<Part> split(String t) {
    List<Part> parts = new ArrayList<>();
    // the text before the first marker is a document if it has an entry
    Part part = new Part(0);
    boolean empty = false;  // a "--- ~" document, which must stay empty
    Entry entry = null;
    int documents = 0;
    int line = 1;
    for (int at = 0, end; at < t.length(); at = end + 1, line++) {
      end = t.indexOf('\n', at);
      int indent = at;
      while (indent < end && t.charAt(indent) == ' ') indent++;
      if (indent == end || t.charAt(indent) == '#') continue;  // blank or a comment: within its entry, if any
      if (indent > at || t.charAt(at) == '-' && (at + 1 == end || t.charAt(at + 1) == ' ')) {
        // indented, or an item of a list at column 0 (a key's value): within the entry before
        if (entry == null) return null;
        continue;
      }
      int marker = marker(t, at, end);
      if (marker != 0) {
        if (entry != null) entry.end = at;
        entry = null;
        ended(part, parts);
        if (documents >= Limits.MAX_DOCUMENTS) return null;
        part = new Part(documents++);
        empty = marker < 0;
        continue;
      }
      String key = key(t, at, end);
      if (key == null || empty) return null;
      if (entry != null) entry.end = at;
      entry = new Entry(key, at);
      if (part.entries.isEmpty()) {
        part.firstLine = line;
        if (part.index == documents) documents++;  // the text before the first marker
      }
      part.entries.add(entry);
    }
    if (entry != null) entry.end = t.length();
    ended(part, parts);
    return parts;
  }

  /** Adds a document to {@code parts} if it has entries: an empty one is no document (YamlReader). */
  private static void ended(Part part, List<Part> parts) {
    if (!part.entries.isEmpty()) parts.add(part);
  }

  /** 1 for a document marker line ("---"), -1 for an empty document's ("--- ~"), else 0. */
  private static int marker(String t, int at, int end) {
    if (!t.startsWith("---", at)) return 0;
    int i = at + 3;
    while (i < end && t.charAt(i) == ' ') i++;
    if (i == end) return 1;
    if (t.charAt(i) != '~' || i == at + 3) return 0;
    for (i++; i < end; i++) if (t.charAt(i) != ' ') return 0;
    return -1;
  }

  /** The key of a line "word:" or "word: value" (a word: a letter or '_', then letters, digits, '_', '.', '-'). */
  private static String key(String t, int at, int end) {
    char first = t.charAt(at);
    if (!(first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z' || first == '_')) return null;
    int i = at + 1;
    while (i < end && WordScan.wordChar(t.charAt(i))) i++;
    if (i == end || t.charAt(i) != ':' || i + 1 < end && t.charAt(i + 1) != ' ') return null;
    return t.substring(at, i);
  }

  private void remember(String text, JsonNode value) {
    int h = text.hashCode();
    long fingerprint = (long) h << 32 | text.length();
    int slot = (h ^ h >>> 16) & (SEEN_SLOTS - 1);
    if (seen.getAndSet(slot, fingerprint) != fingerprint) return;
    if (chars.addAndGet(text.length()) <= MAX_CHARS) values.putIfAbsent(text, value);
  }
}
