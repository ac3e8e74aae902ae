#!/usr/bin/env bash
# Whole-process time of the CLI, three builds: plain (framework-dependent, JIT), ReadyToRun (the tool
# package as users install it) and NativeAOT. Best and median of N runs of each command, from
# `perf stat` when available, else `date`. Usage: startup.sh PLAIN_DLL R2R_EXE AOT_EXE [N]
set -uo pipefail
plain=$1 r2r=$2 aot=$3 n=${4:-15}
onnx=tests/CnnArch.Tests/Fixtures/onnx/resnet152.onnx
run() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
stats() { sort -n | awk '{a[NR]=$1} END {printf "%.0f / %.0f", a[1]/1000, a[int((NR+1)/2)]/1000}'; }
echo "| command | plain (JIT) | ReadyToRun | NativeAOT |"
echo "|---|---:|---:|---:|"
for args in "analyze resnet50 --format json" "analyze $onnx --format json" "--version"; do
  row="| \`cnnarch ${args/$onnx/resnet152.onnx}\` |"
  for build in plain r2r aot; do
    case $build in plain) cmd=(dotnet "$plain");; r2r) cmd=("$r2r");; aot) cmd=("$aot");; esac
    # shellcheck disable=SC2086
    row="$row $(for i in $(seq 1 "$n"); do run "${cmd[@]}" $args; done | stats) ms |"
  done
  echo "$row"
done
