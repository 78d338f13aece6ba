# Shared by scripts/start and scripts/test: install what the project needs on a Debian machine.
set -euo pipefail

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "Need root to run: $*" >&2; return 1; fi
}

apt_updated=""
apt_install() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
    echo "Installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The embedded cluster uses the system's initdb/pg_ctl; Debian's postgresql package provides them.
ensure_postgres() {
    if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
        apt_install postgresql
        # The package starts its own cluster on port 5432; ours runs on a private socket and needs none.
        as_root service postgresql stop >/dev/null 2>&1 || true
    fi
}

# pg_ctl as the account that owns the cluster (postgres when we are root).
pg_ctl_as_owner() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$@"; else "$bin/pg_ctl" -D "$@"; fi
}
