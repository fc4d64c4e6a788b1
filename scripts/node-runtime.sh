# Sourced by every script that runs Postera: Node.js 24 LTS first on PATH.
#
# Postera ships on Node 24. Where the machine's own Node is older, the official Node 24 binary comes
# from the npm registry's `node-linux-<arch>` package, checked against the integrity pinned below,
# into <repo>/.local/node/<version>; npm itself is the machine's, run by that Node. A machine with
# Node 24 or newer uses its own.
POSTERA_NODE_VERSION=24.22.3

postera_node_runtime() {
  local root major arch integrity dir tmp actual
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 24 ] && return 0
  case "$(uname -m)" in
    x86_64) arch=x64 integrity='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' ;;
    aarch64 | arm64) arch=arm64 integrity='sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==' ;;
    *) echo "node: Node $POSTERA_NODE_VERSION is needed and no binary is pinned for $(uname -m); install Node 24" >&2; return 1 ;;
  esac
  dir="$root/.local/node/$POSTERA_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    echo "node: the machine has Node $(node -v 2>/dev/null || echo none); fetching Node $POSTERA_NODE_VERSION (node-linux-$arch) into .local/node"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$POSTERA_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    actual="sha512-$(openssl dgst -sha512 -binary "$tmp"/node-linux-"$arch"-*.tgz | base64 -w0)"
    if [ "$actual" != "$integrity" ]; then
      echo "node: node-linux-$arch@$POSTERA_NODE_VERSION does not match its pinned integrity; refusing it" >&2
      rm -rf "$tmp"
      return 1
    fi
    tar xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp" package/bin/node
    mkdir -p "$dir/bin" && mv "$tmp/package/bin/node" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

postera_node_runtime
