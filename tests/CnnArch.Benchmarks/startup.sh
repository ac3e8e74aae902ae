#!/usr/bin/env bash
# Whole-process time of the CLI, three builds: plain (framework-dependent, JIT), ReadyToRun (the tool
# package as users install it) and NativeAOT. Prints a Markdown table of mean ± standard deviation and
# the fastest run, in ms, measured with hyperfine (Debian package 'hyperfine'; process start included,
# no shell in between) or, without it, with `date` around each run (which adds the shell's fork and
# exec, about 7 ms here). Usage: startup.sh PLAIN_DLL R2R_EXE AOT_EXE [RUNS]
set -uo pipefail
plain=$1 r2r=$2 aot=$3 n=${4:-30}
onnx=tests/CnnArch.Tests/Fixtures/onnx/resnet152.onnx
measure() {
  if command -v hyperfine > /dev/null 2>&1; then
    local csv; csv=$(mktemp)
    hyperfine -N --warmup 3 --runs "$n" --export-csv "$csv" -- "$*" > /dev/null 2>&1
    awk -F, 'NR == 2 {printf "%.1f ± %.1f (%.1f)", $2 * 1000, $3 * 1000, $7 * 1000}' "$csv"
    rm -f "$csv"
  else
    for _ in $(seq 1 "$n"); do
      local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
    done | sort -n | awk '{a[NR] = $1; t += $1} END {printf "%.1f (%.1f)", t / NR / 1000, a[1] / 1000}'
  fi
}
echo "| command | plain (JIT) | ReadyToRun | NativeAOT |"
echo "|---|---:|---:|---:|"
for args in "analyze resnet50 --format json" "analyze $onnx --format json" "--version"; do
  row="| \`cnnarch ${args/$onnx/resnet152.onnx}\` |"
  for build in plain r2r aot; do
    case $build in plain) cmd=(dotnet "$plain");; r2r) cmd=("$r2r");; aot) cmd=("$aot");; esac
    # shellcheck disable=SC2086
    row="$row $(measure "${cmd[@]}" $args) |"
  done
  echo "$row"
done
