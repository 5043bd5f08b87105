#!/usr/bin/env bash
# Builds a Debian package from an unpacked release bundle: the bundle under /opt/anvil, `anvil` on
# PATH, its man page and bash completion where Debian looks for them. No dependencies: the bundle
# carries its own Java runtime; promtool and amtool are recommended, to judge the output.
#   packaging/deb.sh BUNDLE_DIR OUT_DIR      (BUNDLE_DIR: e.g. target/bundle/anvil-0.1.0)
set -euo pipefail
bundle="$(cd "$1" && pwd)"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
version=$("$bundle/bin/anvil" --version | sed -n 's/^anvil \([^ ]*\).*/\1/p')
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
root="$out/deb-root"
rm -rf "$root" && mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/man/man1" \
  "$root/usr/share/bash-completion/completions"
cp -a "$bundle" "$root/opt/anvil"
# a class-data archive the bundle's launcher made where it was unpacked is no use under /opt/anvil
rm -f "$root/opt/anvil/lib/anvil.jsa" "$root/opt/anvil/lib/anvil.jsa.stamp"
ln -s /opt/anvil/bin/anvil "$root/usr/bin/anvil"
gzip -9n < "$bundle/share/man/man1/anvil.1" > "$root/usr/share/man/man1/anvil.1.gz"
cp "$bundle/share/bash-completion/completions/anvil" "$root/usr/share/bash-completion/completions/anvil"
cat > "$root/DEBIAN/control" <<CONTROL
Package: anvil
Version: $version
Architecture: $arch
Maintainer: Anvil developers <anvil@localhost>
Installed-Size: $(du -sk "$root" | cut -f1)
Recommends: prometheus, prometheus-alertmanager
Section: admin
Priority: optional
Description: compiles a Git repository of fleet configuration into monitoring and scheduling configuration
 Anvil compiles declarative YAML (hosts, groups and policies of a mixed AI-accelerator fleet) into
 Prometheus, Alertmanager, Slurm, Ansible and Grafana configuration. It carries its own Java runtime.
CONTROL
# The launcher records a class-data archive of the compiler's classes where it may write, valid only at
# that path: made at installation, as root, and removed with the package (dpkg did not install it).
# DPKG_ROOT: dpkg --root installs elsewhere than /.
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then "${DPKG_ROOT:-}/opt/anvil/bin/anvil" --version >/dev/null 2>&1 || :; fi
POSTINST
cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then rm -f "${DPKG_ROOT:-}/opt/anvil/lib/anvil.jsa" "${DPKG_ROOT:-}/opt/anvil/lib/anvil.jsa.stamp"; fi
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
deb="$out/anvil_${version}_$arch.deb"
dpkg-deb --root-owner-group --build -Zgzip "$root" "$deb" >/dev/null
rm -rf "$root"
echo "$deb"
