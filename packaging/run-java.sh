# Sourced by both launchers (./anvil in a checkout, bin/anvil in the release bundle): runs the
# compiler's JVM with a heap sized from the input. POSIX sh.
#
# A compile's live set grows with its input: at its peak (every output file made) about 150 MB for the
# 34 MB, 100k hosts of the benchmark fleet — hosts with equal settings share their model and their
# output text, output files are held as parts that share what hosts have in common, and the sources'
# text is kept deflated once loaded. Without a limit the parallel collector grows the heap well past
# that before it collects the old generation, so peak RSS ran at 2-3x what the work needs. The heap is
# therefore capped at 160 MB + the larger of 2.5 bytes per byte of the repository's inventory/,
# policies/, rules/ and dashboards/ and 0.8 KiB per Host document: 238 MB for the benchmark fleet,
# which runs out of memory below 180 MB and collects its old generation often below 200 MB.
# `anvil diff` compiles two revisions, keeps both revisions' text to share their parses, and diffs
# whole output files: it gets 24 bytes per byte and 10 KiB per host (1.1 GB at 100k hosts, where it
# peaks at 1.3 GB). Should an input need more — YAML that expands, an import of a large file — the run
# ends at its first OutOfMemoryError before writing anything (out/ is replaced whole, or not at all),
# and runs again once with the JVM's default heap, saying so.
# ANVIL_HEAP_MB sets the heap instead (a container's memory limit, say); ANVIL_JAVA_OPTS replaces
# all of the JVM's options.

# The JVM options of a compile, a short batch job on a small machine: the parallel collector and the
# C1 compiler finish it sooner than the defaults (test/bench/run.sh: C1 alone is ~1.5x faster at 10k
# hosts and on par with the full JIT at 100k), and a young generation of at most 64 MiB keeps the
# resident size near the live set (at 100k hosts as fast as 128 MiB, and 50 MB smaller). What survives
# two young collections is the model, which lives to the end: it moves to the old generation then
# instead of being copied between survivor spaces up to 15 times (-Xlog:gc at 10k hosts: 15 pauses,
# 0.09-0.10 s in all, against 16-17 and 0.16-0.24 s; 3-5 % less CPU from 1k to 100k hosts).
# The JVM's own warnings go to stderr: stdout is for --format json.
ANVIL_JVM_OPTIONS="-XX:+UseParallelGC -XX:TieredStopAtLevel=1 -XX:MaxNewSize=64m -XX:MaxTenuringThreshold=1 -Xlog:disable -Xlog:all=warning:stderr"
# On two cores or fewer, one compiler thread rather than the JVM's two: the compile's own threads keep
# both cores busy, and a second compiler thread takes its time from them (paired rounds on two cores:
# 8 % less wall time at 1k hosts, 3.5 % at 10k, the same at 100k). Measured on two cores only, so
# larger machines keep the JVM's choice.
_cpus=$(nproc 2>/dev/null) || _cpus=
case "$_cpus" in
  1|2) ANVIL_JVM_OPTIONS="$ANVIL_JVM_OPTIONS -XX:CICompilerCount=1" ;;
esac
# Transparent huge pages where the kernel leaves them to the program ("madvise"): the heap is touched
# with a fraction of the page faults, 5-9 % less wall time from 10k to 100k hosts for 3-5 MB more
# resident (interleaved A/B runs). With "always" the JVM has them anyway; with "never", or a kernel
# without them, the flag would only print a warning on every run.
_thp=
{ read -r _thp </sys/kernel/mm/transparent_hugepage/enabled; } 2>/dev/null || :
case "$_thp" in
  *"[madvise]"*) ANVIL_JVM_OPTIONS="$ANVIL_JVM_OPTIONS -XX:+UseTransparentHugePages" ;;
esac

# anvil_record_archive JAVA JAR HOME REPO CDS-ARCHIVE: records a class-data archive (AppCDS) of the
# classes a check of REPO loads, which takes a few tenths of a second off every run's start. The
# archive is replaced whole; a check that fails leaves none (a run then goes without).
anvil_record_archive() {
  rm -f "$5"
  # shellcheck disable=SC2086
  "$1" $ANVIL_JVM_OPTIONS -XX:ArchiveClassesAtExit="$5.$$" -Danvil.home="$3" -jar "$2" -C "$4" check >/dev/null 2>&1 || :
  if [ -f "$5.$$" ]; then mv -f "$5.$$" "$5"; fi
  rm -f "$5.$$"
}

# anvil_run_java JAVA JAR HOME CDS-ARCHIVE ANVIL-ARGUMENTS...   (CDS-ARCHIVE may be empty)
anvil_run_java() {
  _java=$1 _jar=$2 _home=$3 _jsa=$4
  shift 4
  # the repository as Anvil finds it: -C DIR, else the directory with inventory/, here or above
  # heap per input byte and per Host document, as fractions: 5/2 bytes, 4/5 KiB
  _repo= _bytes_n=5 _bytes_d=2 _host_n=4 _host_d=5 _prev=
  for _a in "$@"; do
    case "$_prev" in -C|--repo) _repo=$_a ;; esac
    case "$_a" in
      -C?*) _repo=${_a#-C} ; _repo=${_repo#=} ;;
      --repo=*) _repo=${_a#--repo=} ;;
      diff) _bytes_n=24 _bytes_d=1 _host_n=10 _host_d=1 ;;
    esac
    _prev=$_a
  done
  if [ -z "$_repo" ]; then
    _repo=$PWD
    while [ "$_repo" != / ] && [ ! -d "$_repo/inventory" ]; do _repo=${_repo%/*}; _repo=${_repo:-/}; done
  fi
  set -- "-Danvil.home=$_home" -jar "$_jar" "$@"
  if [ -n "${ANVIL_JAVA_OPTS:-}" ]; then
    # shellcheck disable=SC2086
    exec "$_java" $ANVIL_JAVA_OPTS "$@"
  fi
  if [ -n "$_jsa" ] && [ -f "$_jsa" ]; then
    # an archive the JVM cannot use (made by another JDK, for a jar elsewhere) only costs start-up time:
    # no warning on stderr, where the JVM's others go
    set -- "-XX:SharedArchiveFile=$_jsa" -Xlog:cds=off:stderr -Xlog:cds+dynamic=off:stderr "$@"
  fi
  _hosts=0
  # apparent size (a fleet of one small file per host is not 4 KiB per host), in one du for all four
  # directories: its last line is their total, and one missing is left out of it (du then fails,
  # which must not end a launcher running with set -e)
  _bytes=$(cd "$_repo" 2>/dev/null && du -sbc inventory policies rules dashboards 2>/dev/null) || :
  _bytes=${_bytes##*
}
  _bytes=${_bytes%%[!0-9]*}
  _bytes=${_bytes:-0}
  if [ -d "$_repo/inventory" ]; then
    # Host documents, roughly (a count per file): the outputs grow with hosts, not with bytes
    for _c in $(grep -rhcE '^kind: *["'"'"']?Host' "$_repo/inventory" 2>/dev/null); do
      _hosts=$((_hosts + _c))
    done
  fi
  _heap=$((_bytes * _bytes_n / _bytes_d / 1048576))
  _per_host=$((_hosts * _host_n / _host_d / 1024))
  [ "$_per_host" -gt "$_heap" ] && _heap=$_per_host
  _heap=$((_heap + 160))
  # without du (a bare container), no cap rather than a run that is sure to start twice
  command -v du >/dev/null 2>&1 || _heap=
  case "${ANVIL_HEAP_MB:-}" in
    '') ;;
    *[!0-9]*) echo "anvil: ANVIL_HEAP_MB must be a whole number of megabytes" >&2; return 2 ;;
    *) _heap=$ANVIL_HEAP_MB ;;
  esac
  if [ -z "$_heap" ]; then
    # shellcheck disable=SC2086
    exec "$_java" $ANVIL_JVM_OPTIONS "$@"
  fi
  _oom="${TMPDIR:-/tmp}/anvil-oom.$$"
  [ ! -e "$_oom" ] || rm -f "$_oom"
  _rc=0
  # shellcheck disable=SC2086
  "$_java" $ANVIL_JVM_OPTIONS "-Xmx${_heap}m" -XX:+DisplayVMOutputToStderr -XX:+ExitOnOutOfMemoryError "-XX:OnOutOfMemoryError=: >$_oom" \
    "$@" || _rc=$?
  if [ -e "$_oom" ]; then
    rm -f "$_oom"
    echo "anvil: note: the input needed more than the ${_heap} MB heap set from its size; running again with the JVM's default heap" >&2
    # shellcheck disable=SC2086
    exec "$_java" $ANVIL_JVM_OPTIONS "$@"
  fi
  return $_rc
}
