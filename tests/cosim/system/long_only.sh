#!/bin/sh
# long_only.sh COMMAND...: runs COMMAND in long mode (ASIM_COSIM_LONG set, docs/testing.md);
# otherwise exits 77, which ctest reports as skipped.
if [ -z "${ASIM_COSIM_LONG:-}" ]; then
    echo "long mode only (ASIM_COSIM_LONG=1): skipped"
    exit 77
fi
exec "$@"
