#!/bin/sh
# Install telform: a single binary with the Swift runtime linked in. `install.sh --help` for usage.
set -eu

usage() {
  cat <<'USAGE'
Usage:
  install.sh --archive URL|FILE (--sha256 SUM | --sha256-file FILE.sha256) [--prefix DIR]
      install a release archive (telform-VERSION-linux-ARCH.tar.gz holding `telform`), checked
      against its SHA-256 before anything is installed; --sha256-file reads the checksum file
      that --package writes beside the archive (`SUM  NAME`, NAME the archive's file name)
  install.sh --source REPO --rev COMMIT [--prefix DIR]
      build from source at a pinned commit (a full 40-character SHA), with Swift 6,
      libyaml-dev, libcurl4-openssl-dev, libssl-dev and pkg-config
  install.sh --package DIR [--version V]
      from a checkout in DIR: build the static binary and write the release archive and its
      SHA-256 file beside it (what --archive and --sha256-file take)
  install.sh --help
      this text

--prefix defaults to $HOME/.local: the binary goes to PREFIX/bin/telform. It needs libyaml
and libcurl at run time (Debian/Ubuntu: libyaml-0-2 and libcurl4).
USAGE
}

prefix="${HOME:-/usr/local}/.local"
archive="" sha256="" sha256_file="" source="" rev="" package="" version="0.1.0"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
  esac
  [ $# -ge 2 ] || { echo "install.sh: $1 needs a value (see --help)" >&2; exit 1; }
  case "$1" in
    --archive) archive="$2"; shift 2 ;;
    --sha256) sha256="$2"; shift 2 ;;
    --sha256-file) sha256_file="$2"; shift 2 ;;
    --source) source="$2"; shift 2 ;;
    --rev) rev="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --package) package="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 1 ;;
  esac
done

fail() { echo "install.sh: $*" >&2; exit 1; }

build() {   # build DIR: the static release binary of the checkout in DIR
  command -v swift >/dev/null 2>&1 || fail "building needs Swift 6 (https://swift.org/install)"
  pkg-config --exists yaml-0.1 || fail "building needs libyaml-dev and pkg-config (apt-get install -y libyaml-dev pkg-config)"
  pkg-config --exists libcurl || fail "building needs libcurl4-openssl-dev (apt-get install -y libcurl4-openssl-dev)"
  pkg-config --exists openssl || fail "building needs libssl-dev (apt-get install -y libssl-dev)"
  (cd "$1" && swift build -c release --static-swift-stdlib --product telform >&2)
  if ldd "$1/.build/release/telform" | grep -q libswift; then fail "the binary links the Swift runtime dynamically"; fi
}

install_binary() {   # install_binary FILE
  mkdir -p "$prefix/bin"
  cp "$1" "$prefix/bin/telform.new" && chmod 755 "$prefix/bin/telform.new" && mv "$prefix/bin/telform.new" "$prefix/bin/telform"
  "$prefix/bin/telform" version >/dev/null || fail "the installed binary does not run: $prefix/bin/telform"
  echo "installed $("$prefix/bin/telform" version) at $prefix/bin/telform"
}

if [ -n "$package" ]; then
  build "$package"
  arch="$(uname -m)"
  out="$package/telform-$version-linux-$arch.tar.gz"
  strip -o "$package/.build/telform" "$package/.build/release/telform" 2>/dev/null || cp "$package/.build/release/telform" "$package/.build/telform"
  tar -C "$package/.build" -czf "$out" telform
  (cd "$(dirname "$out")" && sha256sum "$(basename "$out")" > "$(basename "$out").sha256")
  echo "$out"
  exit 0
fi

if [ -n "$archive" ]; then
  if [ -n "$sha256_file" ]; then
    [ -z "$sha256" ] || fail "give --sha256 or --sha256-file, not both"
    line="$(cat "$sha256_file" 2>/dev/null)" || fail "cannot read $sha256_file"
    sha256="$(printf '%s\n' "$line" | head -n 1 | cut -d' ' -f1)"
    named="$(printf '%s\n' "$line" | head -n 1 | sed 's/^[0-9a-f]* [ *]//')"
    printf '%s' "$sha256" | grep -Eq '^[0-9a-f]{64}$' || fail "$sha256_file does not start with a SHA-256 (64 hex digits)"
    [ "$named" = "$(basename "$archive")" ] || fail "$sha256_file is the checksum of $named, not of $(basename "$archive")"
  fi
  [ -n "$sha256" ] || fail "--archive needs --sha256 or --sha256-file: an archive is installed only once its checksum matches"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  case "$archive" in
    http://*|https://*) curl -fsSL -o "$work/telform.tar.gz" "$archive" || fail "cannot download $archive" ;;
    *) cp "$archive" "$work/telform.tar.gz" || fail "cannot read $archive" ;;
  esac
  actual="$(sha256sum "$work/telform.tar.gz" | cut -d' ' -f1)"
  [ "$actual" = "$sha256" ] || fail "checksum mismatch for $archive: expected $sha256, got $actual; nothing installed"
  tar -C "$work" -xzf "$work/telform.tar.gz" telform || fail "no telform in $archive"
  install_binary "$work/telform"
  exit 0
fi

if [ -n "$source" ]; then
  printf '%s' "$rev" | grep -Eq '^[0-9a-f]{40}$' || fail "--source needs --rev with a full commit SHA (40 hex digits): a tag or branch can move"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  git clone --quiet "$source" "$work/telform" || fail "cannot clone $source"
  git -C "$work/telform" checkout --quiet "$rev" || fail "no commit $rev in $source"
  build "$work/telform"
  install_binary "$work/telform/.build/release/telform"
  exit 0
fi

fail "say where from: --archive URL --sha256 SUM, or --source REPO --rev COMMIT (see --help)"
