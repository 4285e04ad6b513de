#!/usr/bin/env bash
# Side-by-side benchmark of launchcast against its Python peers (pmcontrols,
# trueppm-scheduler, mcprojsim) on seeded random layered networks. See bench/README.md.
#
#   bench/peers.sh                      # everything, R=3 repetitions
#   R=5 SIZES="1000" bench/peers.sh     # 5 repetitions, 1,000-activity network only
#
# Environment (all optional):
#   R=3                    repetitions; every tool runs once per repetition, alternating
#   SIZES="1000 10000"     network sizes (activities)
#   NET_SEED=42            generator seed;  SEED=1  simulation seed for every tool
#   ITERS_<TOOL>_<N>       iterations, e.g. ITERS_LAUNCHCAST_1000=1000000,
#                          ITERS_MCPROJSIM_10000=100; TOOL is one of LAUNCHCAST PMCONTROLS
#                          TRUEPPM MCPROJSIM REFERENCE (defaults: iters() below)
#   ITER_SCALE=1           multiply every default iteration count (e.g. 0.1 for a smoke run)
#   LAUNCHCAST=path        use this binary instead of building target/release/launchcast
#   LAUNCHCAST_THREADS=N   pass --threads N to launchcast (default: its own default)
#   SKIP_LAUNCHCAST=1      peers only;  SKIP_PEERS="pmcontrols trueppm mcprojsim": skip some
#   PYTHON=python3.11      interpreter (>= 3.11) for bench/.venv
#   PYTHON313=python3.13   interpreter (3.13) for bench/.venv313 (default: found via pyenv)
#   OUT=bench/out          where networks, launchcast JSON and results.jsonl go
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
cd "$ROOT"
R="${R:-3}"
SIZES="${SIZES:-1000 10000}"
NET_SEED="${NET_SEED:-42}"
SEED="${SEED:-1}"
OUT="${OUT:-$BENCH/out}"
ITER_SCALE="${ITER_SCALE:-1}"
SKIP_PEERS="${SKIP_PEERS:-}"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

say() { printf '%s\n' "$*" >&2; }

# ---- virtual environments (inside bench/, git-ignored) ----------------------------
py_version_ok() {  # $1 interpreter, $2 min minor, $3 max minor
    "$1" -c "import sys; sys.exit(not ((3,$2) <= sys.version_info[:2] <= (3,$3)))" 2>/dev/null
}
find_python() {  # $1 min minor, $2 max minor, then candidates
    local lo="$1" hi="$2"; shift 2
    local c
    for c in "$@"; do
        # (a Debian system python without python3-venv has no ensurepip: try the next one)
        if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && py_version_ok "$c" "$lo" "$hi" \
            && "$c" -c "import venv, ensurepip" 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    return 1
}
pyenv_pythons() {  # pyenv-installed interpreters matching 3.$1.*, newest first
    local root
    root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
    ls -d "$root"/versions/3."$1".*/bin/python3 2>/dev/null | sort -rV || true
}
ensure_venv() {  # $1 dir, $2 requirements file, $3 interpreter
    local dir="$1" req="$2" py="$3" stamp
    stamp="$(sha256sum "$req" | cut -c1-16)"
    if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.bench-stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    say "== creating $dir with $py ($("$py" --version 2>&1)) from $(basename "$req")"
    rm -rf "$dir"
    "$py" -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$stamp" > "$dir/.bench-stamp"
}

skip_peer() { case " $SKIP_PEERS " in *" $1 "*) return 0;; esac; return 1; }

VENV="$BENCH/.venv"; VENV313="$BENCH/.venv313"
HAVE_VENV=0; HAVE_VENV313=0
PY311="$(find_python 11 13 ${PYTHON:-} python3 python3.13 python3.12 python3.11 \
          $(pyenv_pythons 13) $(pyenv_pythons 12) $(pyenv_pythons 11))" || PY311=""
if [ -n "$PY311" ]; then
    ensure_venv "$VENV" "$BENCH/requirements-peers.txt" "$PY311" && HAVE_VENV=1
else
    say "!! no Python >= 3.11 found: pmcontrols, trueppm-scheduler and the numpy reference are skipped"
fi
PY313="$(find_python 13 13 ${PYTHON313:-} python3.13 $(pyenv_pythons 13))" || PY313=""
if skip_peer mcprojsim; then
    :
elif [ -n "$PY313" ]; then
    ensure_venv "$VENV313" "$BENCH/requirements-mcprojsim.txt" "$PY313" && HAVE_VENV313=1
else
    say "!! no Python 3.13 found (mcprojsim needs it; e.g. 'pyenv install 3.13'): mcprojsim is skipped"
fi

# ---- launchcast -------------------------------------------------------------------
LC=""
LC_WHY=""
if [ "${SKIP_LAUNCHCAST:-0}" = 1 ]; then
    LC_WHY="SKIP_LAUNCHCAST=1"
elif [ -n "${LAUNCHCAST:-}" ]; then
    LC="$LAUNCHCAST"
else
    say "== cargo build --release -p launchcast"
    if cargo build --release -p launchcast >&2; then
        LC="$ROOT/target/release/launchcast"
    else
        LC_WHY="cargo build --release failed"
    fi
fi
LC_THREADS=()
[ -n "${LAUNCHCAST_THREADS:-}" ] && LC_THREADS=(--threads "$LAUNCHCAST_THREADS")

# ---- iteration counts (each run a few seconds at most on a 2-core machine) ---------
iters() {  # $1 TOOL, $2 N
    local var="ITERS_$1_$2" def
    case "$1_$2" in
        LAUNCHCAST_1000) def=1000000 ;;  LAUNCHCAST_10000) def=200000 ;;
        PMCONTROLS_1000) def=20000 ;;    PMCONTROLS_10000) def=2000 ;;
        TRUEPPM_1000) def=10000 ;;       TRUEPPM_10000) def=1000 ;;
        MCPROJSIM_1000) def=500 ;;       MCPROJSIM_10000) def=30 ;;
        REFERENCE_1000) def=20000 ;;     REFERENCE_10000) def=2000 ;;
        LAUNCHCAST_*) def=$(( 1000000000 / $2 )) ;;
        MCPROJSIM_*) def=$(( 500000 / $2 )) ;;
        *) def=$(( 20000000 / $2 )) ;;
    esac
    if [ -n "${!var:-}" ]; then echo "${!var}"; else
        python3 -c "import sys; print(max(10, round($def * float(sys.argv[1]))))" "$ITER_SCALE"
    fi
}

# ---- networks ----------------------------------------------------------------------
for N in $SIZES; do
    python3 "$BENCH/gen_network.py" -n "$N" --seed "$NET_SEED" --out "$OUT" >&2
done

# launchcast must actually run a model and write the JSON result before it is measured.
if [ -n "$LC" ]; then
    N0="${SIZES%% *}"
    rm -f "$OUT/lc-smoke.json"
    if ! "$LC" run "$OUT/lc-$N0-tri.toml" --iterations 100 --seed "$SEED" \
            --json "$OUT/lc-smoke.json" >/dev/null 2>"$OUT/lc-smoke.err" \
        || ! python3 -c "import json,sys; json.load(open(sys.argv[1]))['scenarios'][0]['first_delivery']['p50_days']" \
            "$OUT/lc-smoke.json" 2>>"$OUT/lc-smoke.err"; then
        LC_WHY="'$LC run' does not produce a JSON result yet ($(tail -c 300 "$OUT/lc-smoke.err" | tr '\n' ' '))"
        LC=""
    fi
fi
if [ -z "$LC" ]; then
    say "!! launchcast skipped: $LC_WHY"
    say "!! the peers are checked against the numpy reference only; no launchcast ratios"
fi

# ---- jobs ---------------------------------------------------------------------------
# One job per (tool, distribution); every repetition runs all of them in turn, starting
# one job further along each time, so slow drift of the machine's load spreads evenly.
job_names=()
add_job() { job_names+=("$1"); }
[ -n "$LC" ] && { add_job "launchcast tri"; add_job "launchcast pert4"; }
if [ "$HAVE_VENV" = 1 ]; then
    skip_peer pmcontrols || add_job "pmcontrols pert4"
    skip_peer trueppm || add_job "trueppm pert-mom"
fi
[ "$HAVE_VENV313" = 1 ] && add_job "mcprojsim tri"
if [ "$HAVE_VENV" = 1 ]; then
    add_job "reference tri"; add_job "reference pert4"; add_job "reference pert-mom"
fi

run_job() {  # $1 tool, $2 dist, $3 N, $4 rep
    local tool="$1" dist="$2" N="$3" rep="$4" net="$OUT/net-$3.json" n
    case "$tool" in
        launchcast)
            local lcdist=tri; [ "$dist" = pert4 ] && lcdist=pert
            n="$(iters LAUNCHCAST "$N")"
            python3 "$BENCH/run_one.py" "$RESULTS" --rep "$rep" launchcast --dist "$dist" \
                --activities "$N" --json "$OUT/lc-$N-$lcdist.out.json" \
                --threads "${LAUNCHCAST_THREADS:-}" -- \
                "$LC" run "$OUT/lc-$N-$lcdist.toml" --iterations "$n" --seed "$SEED" \
                --no-drivers "${LC_THREADS[@]}" --json "$OUT/lc-$N-$lcdist.out.json" ;;
        pmcontrols|trueppm|reference)
            n="$(iters "${tool^^}" "$N")"
            # The reference draws from its own stream: pmcontrols samples with the same
            # numpy generator in the same order, so one seed would make them identical.
            local seed="$SEED"; [ "$tool" = reference ] && seed=$(( SEED + 1000 ))
            python3 "$BENCH/run_one.py" "$RESULTS" --rep "$rep" peer --dist "$dist" -- \
                "$VENV/bin/python" "$BENCH/peer_$tool.py" "$net" --dist "$dist" \
                --iterations "$n" --seed "$seed" ;;
        mcprojsim)
            n="$(iters MCPROJSIM "$N")"
            python3 "$BENCH/run_one.py" "$RESULTS" --rep "$rep" peer --dist "$dist" -- \
                "$VENV313/bin/python" "$BENCH/peer_mcprojsim.py" "$net" --dist "$dist" \
                --iterations "$n" --seed "$SEED" ;;
    esac
}

say "== $R repetitions; jobs: ${job_names[*]}"
say "== note: wall times on a shared machine are noisy; rerun on an idle one for numbers to quote"
for N in $SIZES; do
    # Distributions a peer cannot express are recorded (and printed) once, not faked.
    if [ "$HAVE_VENV" = 1 ]; then
        for d in tri pert-mom; do skip_peer pmcontrols || run_job pmcontrols "$d" "$N" 0; done
        for d in tri pert4; do skip_peer trueppm || run_job trueppm "$d" "$N" 0; done
    fi
    if [ "$HAVE_VENV313" = 1 ]; then
        for d in pert4 pert-mom; do run_job mcprojsim "$d" "$N" 0; done
    fi
    for rep in $(seq 1 "$R"); do
        say "-- $N activities, repetition $rep/$R"
        k=${#job_names[@]}
        for ((j = 0; j < k; j++)); do
            read -r tool dist <<< "${job_names[$(( (j + rep - 1) % k ))]}"
            run_job "$tool" "$dist" "$N" "$rep"
        done
    done
done

echo
echo "launchcast benchmark against Python peers ($(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ))"
[ -z "$LC" ] && echo "launchcast: skipped: $LC_WHY"
python3 "$BENCH/summarize.py" "$RESULTS" | tee "$OUT/summary.txt"
