#!/usr/bin/env bash
# Writes anvil(1) in roff from the CLI's own help, so the man page says what the program does.
#   packaging/manpage.sh VERSION JAVA... (the command that runs the compiler jar)
set -euo pipefail
version=$1; shift
roff() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\&'/"; }
echo ".TH ANVIL 1 \"\" \"anvil $version\" \"User Commands\""
echo ".SH NAME"
echo "anvil \\- compile a Git repository of fleet configuration into monitoring and scheduling configuration"
echo ".SH SYNOPSIS"
echo ".B anvil"
echo "[\\fB-C\\fR \\fIDIR\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]"
echo ".SH DESCRIPTION"
echo ".nf"
"$@" --help | roff
echo ".fi"
for cmd in check compile explain test diff preview serve token init migrate import completion; do
  echo ".SH \"ANVIL ${cmd^^}\""
  echo ".nf"
  "$@" "$cmd" --help | roff
  echo ".fi"
done
echo ".SH EXIT STATUS"
echo "0 ok; 1 invalid configuration (or stale out/ with compile --check); 2 usage error; 3 internal error."
