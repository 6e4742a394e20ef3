#!/usr/bin/env bash
# Shared helpers for the provisioning scripts: pinned downloads verified by SHA-256, idempotent.
set -euo pipefail

FIQA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIQA_CACHE="${FIQA_CACHE:-$FIQA_ROOT/.cache/downloads}"
mkdir -p "$FIQA_CACHE"

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
    APT_CONFIG="$dir/apt.conf" apt-get update -qq >&2
  fi
  printf '%s\n' "$dir/apt.conf"
}

# apt_uri_fetch APT_CONFIG 'apt-get args' FILENAME SHA256 → cached path of one file apt would download.
apt_uri_fetch() {
  local conf="$1" args="$2" name="$3" sha="$4" file="$FIQA_CACHE/$3" uri
  if [[ -f "$file" ]] && verify_sha256 "$file" "$sha" 2>/dev/null; then printf '%s\n' "$file"; return; fi
  # shellcheck disable=SC2086
  # From an empty folder: `apt-get download --print-uris` prints nothing for a file already in the working directory.
  local empty; empty="$(mktemp -d)"
  uri="$(cd "$empty" && APT_CONFIG="$conf" apt-get $args --print-uris 2>/dev/null | grep -F "'" | grep -F "$name" | head -1 | cut -d"'" -f2)"
  rmdir "$empty"
  [[ -n "$uri" ]] || { log "apt knows no URI for $name"; return 1; }
  log "fetch $name"
  curl -fsSL --retry 3 -o "$file.part" "$uri"
  mv "$file.part" "$file"
  verify_sha256 "$file" "$sha"
  printf '%s\n' "$file"
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

# apt_install_pinned PKG VERSION: installs PKG at VERSION. Debian's security archive replaces a patched package
# (…+deb12uN) with the next one and drops the old, so when VERSION is gone the candidate is accepted only if it is a
# later Debian revision of the same upstream version — same code, security fixes only — and the choice is logged.
apt_install_pinned() {
  local pkg="$1" want="$2" have cand
  have="$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null || true)"
  if [[ "$have" == "install ok installed "* ]]; then
    have="${have##* }"
    if [[ "$have" == "$want" ]] || { [[ "${have%-*}" == "${want%-*}" ]] && dpkg --compare-versions "$have" ge "$want"; }; then return 0; fi
  fi
  apt-get update -qq >&2 || true
  cand="$want"
  if ! apt-cache madison "$pkg" | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$want"; then
    cand="$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')"
    if [[ "${cand%-*}" != "${want%-*}" ]] || ! dpkg --compare-versions "$cand" ge "$want"; then
      log "$pkg=$want is not offered and the candidate '$cand' is not a later revision of it"; return 1
    fi
    log "$pkg=$want superseded by security revision $cand"
  fi
  log "apt-get install $pkg=$cand"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg=$cand" >&2
}
