#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for the store's tests.
#
#   eval "$(bash scripts/postgres-ci.sh start)"   # exports UNSPUN_TEST_POSTGRES
#   bash scripts/postgres-ci.sh stop               # stops it, removes its files
#
# start installs Debian's postgresql package when the server binaries are
# missing, creates a cluster in a new temporary directory and starts it
# listening on a Unix socket in that directory only (no TCP port, so runs
# never collide), with fsync off: the data is thrown away. PostgreSQL
# refuses to run as root, so as root the cluster belongs to the
# "postgres" user. Only the export lines go to standard output.
set -euo pipefail

log() { echo "postgres-ci: $*" >&2; }

# bindir finds the server binaries (initdb, pg_ctl, postgres).
bindir() {
	local d
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir)
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return
		fi
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return
		fi
	done
	return 1
}

# as runs a command as the cluster's owner.
as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	local bin
	if ! bin=$(bindir); then
		log "installing Debian's postgresql"
		local sudo=""
		if [ "$(id -u)" -ne 0 ]; then
			sudo="sudo"
		fi
		export DEBIAN_FRONTEND=noninteractive
		$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
		$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >&2
		bin=$(bindir)
	fi
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/unspun-pg.XXXXXX")
	chmod 0755 "$dir"
	mkdir "$dir/sock"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$dir"
	fi
	log "cluster in $dir ($("$bin/postgres" --version))"
	as "$bin/initdb" -D "$dir/data" -U unspun -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir/sock -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >&2 || { cat "$dir/server.log" >&2; exit 1; }
	as "$bin/createdb" -h "$dir/sock" -U unspun unspun_test
	echo "export UNSPUN_PG_DIR='$dir'"
	echo "export UNSPUN_TEST_POSTGRES='postgres://unspun@/unspun_test?host=$dir/sock'"
}

stop() {
	local dir="${1:-${UNSPUN_PG_DIR:-}}"
	if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
		log "no cluster to stop (UNSPUN_PG_DIR is ${UNSPUN_PG_DIR:-unset})"
		return 0
	fi
	local bin
	bin=$(bindir)
	as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
	rm -rf "$dir"
	log "stopped and removed $dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*)
	echo "usage: $0 start|stop [DIR]" >&2
	exit 2
	;;
esac
