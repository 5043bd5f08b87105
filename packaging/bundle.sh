#!/usr/bin/env bash
# Builds the release bundle: one archive that installs by unpacking and needs no JDK and no network.
#   packaging/bundle.sh [OUT_DIR]          (default: target/bundle; builds the jars first if missing)
# It holds the launcher (bin/anvil), the compiler, service and preview jars (lib/), a Java runtime
# trimmed with jlink (runtime/), the schemas, the shipped rule and dashboard templates with the
# exporter contracts, the check agent and the node registration script, shell completion, a man page,
# the starter repository `anvil init` writes (share/anvil/starter: the launcher's class-data archive is
# recorded from a check of it) and SHA256SUMS; beside the archive, its own .sha256. The platform is
# the build machine's (linux-x86_64 here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$root/target/bundle}" && cd "${1:-$root/target/bundle}" && pwd)"
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)
arch=$(uname -m)
name="anvil-$version"
archive="$out/$name-linux-$arch.tar.gz"

jars=("$root/compiler/target/anvil.jar" "$root/webhook/target/anvil-webhook.jar" "$root/preview/target/anvil-preview.jar")
for j in "${jars[@]}"; do
  [ -f "$j" ] || { (cd "$root" && ./mvnw -q -B -DskipTests package >&2); break; }
done

stage="$out/$name"
rm -rf "$stage" "$archive" "$archive.sha256"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/bash-completion/completions" "$stage/share/man/man1"
cp "${jars[@]}" "$stage/lib/"
cp -r "$root/schema" "$root/rules" "$root/dashboards" "$stage/"
mkdir -p "$stage/agent" && cp "$root"/agent/anvil-check-agent* "$root"/agent/anvil-register "$stage/agent/"

# The runtime: the modules jdeps finds in the three jars (jdeps --multi-release 17 --ignore-missing-deps
# --print-module-deps), plus jdk.zipfs (anvil init reads the shipped templates out of its jar) and
# jdk.crypto.ec (TLS to Git hosts with elliptic-curve certificates).
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs,jdk.crypto.ec
# --generate-cds-archive: the JDK's own class-data archive, which the launcher's archive of Anvil's
# classes (made where the bundle is unpacked) builds on
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive \
  --output "$stage/runtime"

install -m 0755 "$root/packaging/anvil" "$stage/bin/anvil"
install -m 0644 "$root/packaging/run-java.sh" "$stage/lib/run-java.sh"
java=("$stage/runtime/bin/java" -jar "$stage/lib/anvil.jar")
"${java[@]}" completion > "$stage/share/bash-completion/completions/anvil"
"$root/packaging/manpage.sh" "$version" "${java[@]}" > "$stage/share/man/man1/anvil.1"
# what the launcher checks once to record its class-data archive: the repository `anvil init` writes
mkdir -p "$stage/share/anvil"
"$stage/runtime/bin/java" -Danvil.home="$stage" -jar "$stage/lib/anvil.jar" init "$stage/share/anvil/starter" >/dev/null

(cd "$stage" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
# the archive's own metadata is fixed (owner, order, times); the jars inside still carry their build times
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00Z' -C "$out" -czf "$archive" "$name"
(cd "$out" && sha256sum "$(basename "$archive")" > "$(basename "$archive").sha256")
echo "$archive"
