#!/usr/bin/env bash
# Shared helpers for the provisioning scripts: pinned downloads verified by SHA-256, idempotent.
set -euo pipefail

FIQA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIQA_CACHE="${FIQA_CACHE:-$FIQA_ROOT/.cache/downloads}"
mkdir -p "$FIQA_CACHE"
# The Debian release the project is pinned to: packages are taken as this release offers them now (stable only
# receives security and bug fixes), never from another release or from backports.
FIQA_DEBIAN_RELEASE="${FIQA_DEBIAN_RELEASE:-bookworm}"
# How long apt waits for a dpkg/apt lock held by another process (a fresh VM's unattended upgrades), in seconds.
FIQA_APT_LOCK_WAIT="${FIQA_APT_LOCK_WAIT:-600}"
FIQA_APT_LOCK_POLL="${FIQA_APT_LOCK_POLL:-5}"
# What was installed or fetched, one line each: kind, name, version tested, version used, source, date.
FIQA_RECORD="${FIQA_RECORD:-$FIQA_ROOT/.cache/provisioned.tsv}"

log() { printf '[provision] %s\n' "$*" >&2; }

# verify_sha256 FILE EXPECTED — fails loudly, removing nothing the user did not ask for.
verify_sha256() {
  local file="$1" expected="$2" actual
  actual="$(sha256sum "$file" | cut -d' ' -f1)"
  if [[ "$actual" != "$expected" ]]; then
    log "SHA-256 mismatch for $file: expected $expected, got $actual"
    return 1
  fi
}

# npm_tarball NAME@VERSION SHA256 → prints the cached .tgz path (fetched with `npm pack` once).
npm_tarball() {
  local spec="$1" sha="$2" file
  file="$FIQA_CACHE/$(printf '%s' "$spec" | tr '/@' '__').tgz"
  if [[ ! -f "$file" ]] || ! verify_sha256 "$file" "$sha" 2>/dev/null; then
    log "npm pack $spec"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.log") || { cat "$tmp/npm.log" >&2; return 1; }
    mv "$tmp"/*.tgz "$file"; rm -rf "$tmp"
    verify_sha256 "$file" "$sha"
  fi
  record npm "$spec" "${spec##*@}" "${spec##*@}" "sha256 $sha"
  printf '%s\n' "$file"
}

# A private apt configuration whose sources are the machine's own deb entries plus matching deb-src
# entries, so source packages can be fetched without editing /etc/apt or naming any host here.
private_apt_config() {
  local dir="$FIQA_CACHE/apt"
  mkdir -p "$dir/lists/partial" "$dir/sources.list.d" "$dir/archives/partial"
  if [[ ! -f "$dir/apt.conf" ]]; then
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f "$f" ]] || continue
      sed -E 's/^Types:.*/Types: deb deb-src/' "$f" > "$dir/sources.list.d/$(basename "$f")"
    done
    if [[ -f /etc/apt/sources.list ]]; then
      grep -E '^deb ' /etc/apt/sources.list | sed 'p;s/^deb /deb-src /' > "$dir/sources.list" || true
    else
      : > "$dir/sources.list"
    fi
    cat > "$dir/apt.conf" <<CONF
Dir::State::Lists "$dir/lists";
Dir::Cache::Archives "$dir/archives";
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/sources.list.d";
CONF
  fi
  if [[ -z "$(ls -A "$dir/lists" 2>/dev/null | grep -v partial)" ]]; then
    log "apt-get update (private source list)"
    APT_CONFIG="$dir/apt.conf" apt_get update -qq >&2
  fi
  printf '%s\n' "$dir/apt.conf"
}

# tree_sha256 DIR → one SHA-256 over every file under DIR (relative names and contents, in byte order of names).
tree_sha256() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1
}

# verify_tree_sha256 DIR EXPECTED — like verify_sha256, for every file under DIR (tree_sha256).
verify_tree_sha256() {
  local actual; actual="$(tree_sha256 "$1")"
  [[ "$actual" == "$2" ]] || { log "SHA-256 of the files under $1: expected $2, got $actual"; return 1; }
}

# record KIND NAME TESTED USED SOURCE: remembers what provisioning took, replacing the line of the same name.
record() {
  mkdir -p "$(dirname "$FIQA_RECORD")"
  local line; line="$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$1" "$2" "$3" "$4" "$5" "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
  { [[ -f "$FIQA_RECORD" ]] && awk -F'\t' -v k="$1" -v n="$2" '!($1 == k && $2 == n)' "$FIQA_RECORD"; printf '%s\n' "$line"; } \
    > "$FIQA_RECORD.tmp"
  mv "$FIQA_RECORD.tmp" "$FIQA_RECORD"
}

# apt_get ARGS...: apt-get that waits, up to FIQA_APT_LOCK_WAIT seconds and saying so, while another apt or dpkg
# holds a lock (the dpkg frontend lock, the lists lock) instead of failing at once. Other failures return at once.
apt_get() {
  local deadline=$((SECONDS + FIQA_APT_LOCK_WAIT)) err rc said=""
  err="$(mktemp)"
  while :; do
    if DEBIAN_FRONTEND=noninteractive apt-get "$@" 2>"$err"; then rc=0; break; else rc=$?; fi
    grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (directory|the administration)' "$err" || break
    if (( SECONDS >= deadline )); then
      log "apt-get $1: the lock was still held after ${FIQA_APT_LOCK_WAIT} s (FIQA_APT_LOCK_WAIT); giving up"; break
    fi
    [[ -n "$said" ]] || log "apt-get $1: $(grep -m1 -oE 'Could not get lock.*|Unable to .*lock.*' "$err"); waiting up to ${FIQA_APT_LOCK_WAIT} s"
    said=1
    sleep "$FIQA_APT_LOCK_POLL"
  done
  cat "$err" >&2; rm -f "$err"
  return "$rc"
}

# apt_candidate_suites PKG VERSION → the suites (e.g. bookworm-security) whose index offers PKG at VERSION.
apt_candidate_suites() {
  apt-cache policy "$1" | awk -v want="$2" '
    /Version table:/ { table = 1; next }
    table && /^ +(\*\*\* )?[^ ]+ [0-9]+$/ { sub(/\*\*\*/, ""); inblock = ($1 == want); next }
    table && inblock && $2 ~ /:\/\// { split($3, a, "/"); printf "%s ", a[1] }'
}

# apt_acceptable TESTED CANDIDATE SUITES: the version policy. The candidate may replace TESTED (the version the
# project was tested with) when it comes from the pinned release — its main, -updates or -security suite, where
# only security and bug fixes land, upstream patch releases included — and is not older. Prints why not, else nothing.
apt_acceptable() {
  local tested="$1" cand="$2" suites="$3" s
  if [[ -z "$cand" || "$cand" == "(none)" ]]; then echo "it is not offered by this machine's apt sources"; return 1; fi
  for s in $suites; do
    case "$s" in
      "$FIQA_DEBIAN_RELEASE"|"$FIQA_DEBIAN_RELEASE-updates"|"$FIQA_DEBIAN_RELEASE-security")
        if dpkg --compare-versions "$cand" ge "$tested"; then return 0; fi
        echo "the candidate $cand is older than $tested, the version the project was tested with"; return 1 ;;
    esac
  done
  echo "the candidate $cand comes from '${suites% }', not Debian $FIQA_DEBIAN_RELEASE (the release the project is pinned to; FIQA_DEBIAN_RELEASE overrides it)"
  return 1
}

# apt_install_release PKG TESTED: installs PKG as the pinned Debian release offers it now (apt_acceptable), or keeps
# an installed version that is not older than TESTED. Logs and records the version used.
apt_install_release() {
  local pkg="$1" tested="$2" have cand suites why
  have="$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null || true)"
  if [[ "$have" == "install ok installed "* ]] && dpkg --compare-versions "${have##* }" ge "$tested"; then
    record apt "$pkg" "$tested" "${have##* }" installed
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]]; then log "$pkg is missing and installing it needs root: sudo $0"; return 1; fi
  apt_get update -qq >&2 || log "apt-get update failed; deciding on the package lists as they are"
  cand="$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2; exit}')"
  suites="$(apt_candidate_suites "$pkg" "$cand")"
  if ! why="$(apt_acceptable "$tested" "$cand" "$suites")"; then log "cannot install $pkg: $why"; return 1; fi
  if [[ "$cand" != "$tested" ]]; then
    log "$pkg: taking $cand from ${suites% } (tested with $tested)"
  fi
  log "apt-get install $pkg=$cand"
  apt_get install -y -qq --no-install-recommends "$pkg=$cand" >&2
  record apt "$pkg" "$tested" "$cand" "${suites% }"
}

# deb_extract DEB DEST_DIR MEMBER... — copy files out of a .deb (paths as in the package, e.g. ./usr/share/x) into
# DEST_DIR, flat, without installing the package.
deb_extract() {
  local deb="$1" dest="$2"; shift 2
  local tmp; tmp="$(mktemp -d)"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$@"
  mkdir -p "$dest"
  local m
  for m in "$@"; do install -m 0644 "$tmp/$m" "$dest/"; done
  rm -rf "$tmp"
}

# apt_download_files CONF PKG VERSION DEST MEMBER SHA256 [MEMBER SHA256]...: files out of a Debian package, without
# installing it. The .deb of VERSION while the archive has it, else the pinned release's current one (logged); either
# way each extracted file must be the one the project uses (SHA-256 of the file, not of the .deb, which every
# rebuild changes). Files land flat in DEST.
apt_download_files() {
  local conf="$1" pkg="$2" version="$3" dest="$4"; shift 4
  local dir used members=() shas=() i name
  while (($#)); do members+=("$1"); shas+=("$2"); shift 2; done
  dir="$(mktemp -d)"
  if (cd "$dir" && APT_CONFIG="$conf" apt_get download -qq "$pkg=$version" >/dev/null 2>&1); then
    used="$version"
  else
    used="$(APT_CONFIG="$conf" apt-cache policy "$pkg" | awk '/Candidate:/ {print $2; exit}')"
    log "$pkg=$version has left the archive; trying the release's current $pkg ($used)"
    (cd "$dir" && APT_CONFIG="$conf" apt_get download -qq "$pkg" >/dev/null) || { rm -rf "$dir"; return 1; }
  fi
  deb_extract "$dir"/*.deb "$dir/x" "${members[@]}"
  for i in "${!members[@]}"; do
    name="$(basename "${members[$i]}")"
    if ! verify_sha256 "$dir/x/$name" "${shas[$i]}"; then
      log "$pkg $used carries another $name than the one the project was tested with"; rm -rf "$dir"; return 1
    fi
  done
  mkdir -p "$dest"
  for i in "${!members[@]}"; do
    name="$(basename "${members[$i]}")"
    install -m 0644 "$dir/x/$name" "$dest/"
    record deb-file "$pkg:$name" "$version" "$used" "sha256 ${shas[$i]}"
  done
  rm -rf "$dir"
}

# apt_source_tarball CONF SRCPKG VERSION → the cached path of the source package's upstream (orig) tarball: of VERSION
# while the archive has it, else of the release's current version (logged). The caller verifies what it extracts.
apt_source_tarball() {
  local conf="$1" src="$2" version="$3" used uri name empty
  used="$version"
  empty="$(mktemp -d)"
  # From an empty folder: `apt-get --print-uris` prints nothing for a file already in the working directory.
  uri="$(cd "$empty" && APT_CONFIG="$conf" apt-get source --print-uris "$src=$version" 2>/dev/null | grep -F "'" | grep -F '.orig.tar' | head -1 | cut -d"'" -f2)"
  if [[ -z "$uri" ]]; then
    used="$(cd "$empty" && APT_CONFIG="$conf" apt-cache showsrc "$src" | awk '/^Version:/ {print $2}' | sort -V | tail -1)"
    log "source $src=$version has left the archive; trying the release's current $src ($used)"
    uri="$(cd "$empty" && APT_CONFIG="$conf" apt-get source --print-uris "$src=$used" 2>/dev/null | grep -F "'" | grep -F '.orig.tar' | head -1 | cut -d"'" -f2)"
  fi
  rmdir "$empty"
  [[ -n "$uri" ]] || { log "apt knows no source tarball for $src"; return 1; }
  name="$(basename "$uri" | sed "s/%2[bB]/+/g")"
  if [[ ! -s "$FIQA_CACHE/$name" ]]; then
    log "fetch $name"
    curl -fsSL --retry 3 -o "$FIQA_CACHE/$name.part" "$uri"
    mv "$FIQA_CACHE/$name.part" "$FIQA_CACHE/$name"
  fi
  record source "$src" "$version" "$used" "$name"
  printf '%s\n' "$FIQA_CACHE/$name"
}
