#!/usr/bin/env bash
# Builds the control-plane binaries the server-side checks run, from the Go module proxy only, and caches them by
# version. Prints the path of the binary on its last line. A binary already in the cache is reused.
#
#   build.sh kube-apiserver <k8s version, e.g. 1.31.14>
#   build.sh etcd <etcd version, e.g. 3.5.9>
#   build.sh sealed-secrets-controller <version>
#   build.sh vault <version> [module=version,...]   (overrides of published submodule versions)
#   build.sh external-secrets <version>
#
# k8s.io/kubernetes (and hashicorp/vault) cannot be `go install`ed: their go.mod replaces the staging modules
# (k8s.io/api, k8s.io/apiserver, ...) with local folders that are not in the module zip. The recipe here is a
# wrapper module that requires the module at that version and replaces every such local replace with the
# published module of the matching version, then `go build`s the command. No source is changed.
set -euo pipefail
what="${1:?usage: build.sh <tool> <version>}"
version="${2:?usage: build.sh <tool> <version>}"
version="${version#v}"
cache="${CDK8S_SECRETS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-secrets}/control-plane"
out="$cache/bin/$what-v$version"
if [ -x "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$cache/bin"
work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export GOFLAGS="-trimpath -buildvcs=false -mod=mod"
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
export GONOSUMDB="${GONOSUMDB:-}"
export CGO_ENABLED=0
ldflags="-s -w"
p="${CONTROL_PLANE_BUILD_JOBS:-2}"
log() { echo "[build $what v$version] $*" >&2; }

# The replace directives of the wrapped module's go.mod, for the wrapper: a replace to a local folder (not in the
# module zip) becomes a replace to the published module, at the version the wrapped go.mod requires (or the given
# default when it requires v0.0.0); any other replace is copied as it is (replaces of a dependency are ignored).
wrapped_replaces() { # <go.mod of the wrapped module> <default version for local replaces>
  local gomod="$1" def="$2"
  awk '
    /^replace[ \t]*\(/ { inrep = 1; next }
    inrep && /^\)/ { inrep = 0; next }
    inrep && NF { print; next }
    /^replace [^(]/ { sub(/^replace[ \t]+/, ""); print }
  ' "$gomod" | while read -r line; do
    m="${line%% *}"
    case "$line" in
      *"=> ./"*|*"=> ../"*)
        v="$(awk -v m="$m" '($1 == m || ($1 == "require" && $2 == m)) && $0 ~ / v[0-9]/ { for (i = 1; i <= NF; i++) if ($i ~ /^v[0-9]/) { print $i; exit } }' "$gomod")"
        case "$v" in ""|v0.0.0) v="$def" ;; esac
        echo "replace $m => $m $v" ;;
      *) echo "replace $line" ;;
    esac
  done
}

# Overrides of the replaced versions ("module=version,..."; third argument): a published submodule whose version
# named in go.mod does not match the local folder the release was built from.
overrides="${3:-}"
override_replaces() {
  local line m v
  while read -r line; do
    m="$(awk '{print $2}' <<<"$line")"
    v="$(tr ',' '\n' <<<"$overrides" | sed -n "s#^$m=##p")"
    if [ -n "$v" ]; then echo "replace $m => $m $v"; else echo "$line"; fi
  done
}

start=$(date +%s)
case "$what" in
  kube-apiserver|kubectl)
    minor="${version#*.}"; minor="${minor%%.*}"; patch="${version##*.}"
    staging="v0.$minor.$patch"
    cd "$work"
    go mod init cdk8s-secrets.local/control-plane >/dev/null 2>&1
    gomod="$(go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/^[ \t]*"GoMod": "\(.*\)",*$/\1/p')"
    [ -f "$gomod" ] || { log "could not download k8s.io/kubernetes@v$version"; exit 1; }
    goline="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
    { echo "module cdk8s-secrets.local/control-plane"; echo; echo "go ${goline:-1.22}"; echo
      echo "require k8s.io/kubernetes v$version"; echo
      wrapped_replaces "$gomod" "$staging"; } >go.mod
    pkg="k8s.io/kubernetes/cmd/$what"
    log "resolving modules"
    go get "$pkg@v$version" >"$work/get.log" 2>&1 || { cat "$work/get.log" >&2; exit 1; }
    log "building $pkg"
    go build -p "$p" -ldflags="$ldflags" -o "$work/out" "$pkg"
    ;;
  etcd)
    cd "$work"
    go mod init cdk8s-secrets.local/etcd >/dev/null 2>&1
    printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >main.go
    go get "go.etcd.io/etcd/server/v3@v$version" >"$work/get.log" 2>&1 || { cat "$work/get.log" >&2; exit 1; }
    go mod tidy >/dev/null 2>&1
    log "building etcd"
    go build -p "$p" -ldflags="$ldflags" -o "$work/out" .
    ;;
  sealed-secrets-controller)
    GOBIN="$work" go install -ldflags="$ldflags" "github.com/bitnami-labs/sealed-secrets/cmd/controller@v$version"
    mv "$work/controller" "$work/out"
    ;;
  external-secrets)
    cd "$work"
    go mod init cdk8s-secrets.local/eso >/dev/null 2>&1
    info="$(go mod download -json "github.com/external-secrets/external-secrets@v$version")"
    gomod="$(sed -n 's/^[ \t]*"GoMod": "\(.*\)",*$/\1/p' <<<"$info")"
    # The module's own go.sum: some of its dependencies are not in the checksum database the proxy mirrors.
    cp "$(sed -n 's/^[ \t]*"Dir": "\(.*\)",*$/\1/p' <<<"$info")/go.sum" go.sum
    goline="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
    { echo "module cdk8s-secrets.local/eso"; echo; echo "go ${goline:-1.22}"; echo
      echo "require github.com/external-secrets/external-secrets v$version"; echo
      wrapped_replaces "$gomod" "v$version"; } >go.mod
    go get "github.com/external-secrets/external-secrets@v$version" >"$work/get.log" 2>&1 || { cat "$work/get.log" >&2; exit 1; }
    log "building external-secrets"
    go build -p "$p" -ldflags="$ldflags" -o "$work/out" github.com/external-secrets/external-secrets
    ;;
  vault)
    cd "$work"
    go mod init cdk8s-secrets.local/vault >/dev/null 2>&1
    info="$(go mod download -json "github.com/hashicorp/vault@v$version")"
    gomod="$(sed -n 's/^[ \t]*"GoMod": "\(.*\)",*$/\1/p' <<<"$info")"
    cp "$(sed -n 's/^[ \t]*"Dir": "\(.*\)",*$/\1/p' <<<"$info")/go.sum" go.sum
    goline="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
    { echo "module cdk8s-secrets.local/vault"; echo; echo "go ${goline:-1.22}"; echo
      echo "require github.com/hashicorp/vault v$version"; echo
      wrapped_replaces "$gomod" "v0.0.0" | override_replaces; } >go.mod
    go get "github.com/hashicorp/vault@v$version" >"$work/get.log" 2>&1 || { cat "$work/get.log" >&2; exit 1; }
    log "building vault"
    go build -p "$p" -ldflags="$ldflags" -o "$work/out" github.com/hashicorp/vault
    ;;
  *) echo "unknown tool: $what" >&2; exit 2 ;;
esac
mv "$work/out" "$out"
log "built in $(( $(date +%s) - start ))s: $out ($(du -h "$out" | cut -f1))"
echo "$out"
