#!/bin/sh
# A Slurm job-array script for an `accelsim sweep`: array task I of N runs shard I/N
# (the points p with p mod N == I) into OUT.shardI.csv, resuming it if it is there.
#
#   sbatch --array=0-15 tools/sweep_slurm.sh --out sweep.csv -- SWEEP-ARGS...
#   sbatch --dependency=afterok:JOBID --wrap "build/accelsim sweep --merge sweep.csv sweep.shard*.csv"
#
# Array indices must be 0 to N-1 (N = SLURM_ARRAY_TASK_COUNT); a task that failed or was
# preempted resumes where it stopped when it is run again (sbatch --array=I ...). Workers per
# task: SLURM_CPUS_PER_TASK (default 1). ACCELSIM overrides the program (default build/accelsim).
#SBATCH --job-name=accelsim-sweep
#SBATCH --cpus-per-task=1
#SBATCH --output=sweep-%A_%a.log
set -eu
if [ "${1:-}" != "--out" ] || [ -z "${2:-}" ] || [ "${3:-}" != "--" ]; then
    echo "sweep_slurm.sh: usage: sbatch --array=0-(N-1) $0 --out OUT.csv -- SWEEP-ARGS..." >&2
    exit 2
fi
out=$2
shift 3
: "${SLURM_ARRAY_TASK_ID:?sweep_slurm.sh: not in a Slurm job array (sbatch --array=0-(N-1))}"
: "${SLURM_ARRAY_TASK_COUNT:?sweep_slurm.sh: SLURM_ARRAY_TASK_COUNT is not set}"
shard=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
exec "${ACCELSIM:-build/accelsim}" sweep "$@" --shard "$shard/$SLURM_ARRAY_TASK_COUNT" \
    -j "${SLURM_CPUS_PER_TASK:-1}" --out "${out%.csv}.shard$shard.csv"
