#!/usr/bin/env bash
# MSRP throughput and bytes-on-wire overhead against plain TCP, both over
# loopback in one process (see msrp_bench.c).  Builds the benchmark from
# msrp/ itself, optimised and without sanitizers.
#   tests/bench/msrp_bench.sh [MiB per run] [rounds]
set -eu
cd "$(dirname "$0")/../.."
out=${BUILD:-build}/bench
mkdir -p "$out"
${CC:-cc} -std=c11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-D_GNU_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -I. -I/usr/include/re \
	-o "$out/msrp_bench" tests/bench/msrp_bench.c msrp/*.c \
	-lre -lmbedtls -lmbedx509 -lmbedcrypto -lpthread
exec "$out/msrp_bench" "$@"
