#!/usr/bin/env bash
# Builds bench/sgemm.cc against OpenBLAS (where installed) and against Eigen (headers: $EIGEN_INCLUDE, else the
# TensorFlow wheel extraction setup.mjs keeps), with build.mjs's flags, and runs each on 1 and 2 threads.
#   bash libs/native/bench/sgemm.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kernels="$here/../kernels"
eigen="${EIGEN_INCLUDE:-${SUGAR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sugar-lab}/native/tensorflow-cpu-${SUGAR_TF_VERSION:-2.21.0}/include}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(-std=c++17 -O3 -mprefer-vector-width=512 -ffp-contract=off -fno-math-errno -fopenmp -fPIC -w)
cxx="${CXX:-g++}"

if [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ] || [ -f /usr/include/openblas/cblas.h ]; then
  "$cxx" "${flags[@]}" -I/usr/include/openblas "$here/sgemm.cc" "$kernels/blas_openblas.cc" -o "$work/openblas" -lopenblas
fi
if [ -f "$eigen/Eigen/Core" ]; then
  levels=0
  objs=()
  copies=("eigen_base:")
  if [ "$(uname -m)" = x86_64 ]; then levels=1; copies+=("eigen_v3:-march=x86-64-v3" "eigen_v4:-march=x86-64-v4"); fi
  for c in "${copies[@]}"; do
    name="${c%%:*}"; march="${c#*:}"
    "$cxx" "${flags[@]}" $march "-DEigen=Eigen_$name" "-DSUGAR_EIGEN_COPY=$name" -isystem "$eigen" -c "$kernels/blas_eigen.cc" -o "$work/$name.o"
    objs+=("$work/$name.o")
  done
  "$cxx" "${flags[@]}" "-DSUGAR_EIGEN_LEVELS=$levels" "$here/sgemm.cc" "$kernels/blas_eigen_select.cc" "${objs[@]}" -o "$work/eigen"
else
  echo "no Eigen headers in $eigen (set EIGEN_INCLUDE)" >&2
fi
for bin in "$work"/openblas "$work"/eigen; do
  [ -x "$bin" ] || continue
  for t in 1 2; do OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE "$bin"; done
done
