#!/bin/sh
# Writes the PCI device names of the accelerator vendors Anvil knows, from the PCI ID Repository
# (https://github.com/pciutils/pciids), for anvil serve's registration: a node reports vendor and
# device ids read from sysfs, and this table names them.
#   packaging/pci-accelerators.sh PCI_IDS COMMIT > webhook/src/main/resources/dev/anvil/webhook/pci-accelerators.tsv
set -eu
[ $# -eq 2 ] || { echo "usage: $0 pci.ids COMMIT" >&2; exit 2; }
version=$(sed -n 's/^#[[:space:]]*Version:[[:space:]]*//p' "$1" | head -n1)
printf '# PCI device names of accelerator vendors, from pciutils/pciids pci.ids version %s, commit %s.\n' "$version" "$2"
printf '# vendor<TAB>Anvil vendor<TAB>device[:subsystem vendor:subsystem device]<TAB>name;\n'
printf '# written by packaging/pci-accelerators.sh, do not edit.\n'
# vendor ids: NVIDIA, AMD, Habana Labs (Intel Gaudi), Rebellions, FuriosaAI, Tenstorrent, Google
awk -F '\t' '
  BEGIN { split("10de nvidia 1002 amd 1da3 intel-gaudi 1eff rebellions 1ed2 furiosa 1e52 tenstorrent 1ae0 google-tpu", v, " ")
          for (i = 1; i < 15; i += 2) anvil[v[i]] = v[i + 1] }
  /^#/ || /^$/ { next }
  /^C / { exit }                                  # the device classes follow the vendors
  /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f] / { vendor = substr($0, 1, 4); next }
  /^\t[0-9a-f][0-9a-f][0-9a-f][0-9a-f] / && (vendor in anvil) {
    line = substr($0, 2); device = substr(line, 1, 4)
    printf "%s\t%s\t%s\t%s\n", vendor, anvil[vendor], device, substr(line, 7); next
  }
  # boards by subsystem (Tenstorrent names n150/n300 only there); the GPU vendors OEM boards are left out
  /^\t\t[0-9a-f][0-9a-f][0-9a-f][0-9a-f] [0-9a-f][0-9a-f][0-9a-f][0-9a-f] / && (vendor in anvil) && vendor != "10de" && vendor != "1002" {
    line = substr($0, 3)
    printf "%s\t%s\t%s:%s:%s\t%s\n", vendor, anvil[vendor], device, substr(line, 1, 4), substr(line, 6, 4), substr(line, 12)
  }' "$1"
