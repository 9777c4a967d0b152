/* systolic.c: closed-form job model of the systolic array (see systolic.h). */
#include "util/arith.h"
#include "systolic/systolic.h"

const char *asim_dataflow_name(asim_dataflow_t df)
{
    static const char *const names[] = {"os", "ws", "is"};
    return names[df];
}

asim_cycle_t asim_systolic_tile_cycles(const asim_systolic_geom_t *g, uint64_t t)
{
    return 2 * (uint64_t)g->rows + g->cols + ASIM_SYSTOLIC_PE_STAGES + t;
}

void asim_systolic_map(asim_dataflow_t df, const asim_gemm_shape_t *s, uint64_t *rows_dim,
                       uint64_t *cols_dim, uint64_t *t)
{
    switch (df) {
    case ASIM_DATAFLOW_OS: *rows_dim = s->m; *cols_dim = s->n; *t = s->k; break;
    case ASIM_DATAFLOW_WS: *rows_dim = s->k; *cols_dim = s->n; *t = s->m; break;
    default:               *rows_dim = s->k; *cols_dim = s->m; *t = s->n; break;
    }
}

/*
 * Element counts are summed over the folds per dimension: edge tiles use fewer rows and
 * columns, but the used rows of all tiles sum to rows_dim * fc and their used columns to
 * cols_dim * fr.
 */
void asim_systolic_job(const asim_systolic_geom_t *g, const asim_gemm_shape_t *s,
                       asim_systolic_counts_t *out)
{
    uint64_t rows_dim, cols_dim, t;
    asim_systolic_map(g->dataflow, s, &rows_dim, &cols_dim, &t);
    uint64_t fr = asim_ceil_div(rows_dim, g->rows), fc = asim_ceil_div(cols_dim, g->cols);
    uint64_t tiles = fr * fc;
    asim_cycle_t tile = asim_systolic_tile_cycles(g, t);
    uint64_t step = t > g->rows ? t : g->rows;

    *out = (asim_systolic_counts_t){0};
    out->tiles = tiles;
    out->cycles = g->tile_overlap ? (tiles - 1) * step + tile : tiles * tile;
    out->macs = s->m * s->n * s->k;

    /* Elements crossing the array edges, summed over all folds. */
    uint64_t stationary = rows_dim * cols_dim;  /* loaded (ws/is) or drained (os) once */
    uint64_t row_stream = rows_dim * fc * t;    /* streamed in along the rows */
    uint64_t col_stream = cols_dim * fr * t;    /* streamed/drained along the columns */
    switch (g->dataflow) {
    case ASIM_DATAFLOW_OS:
        out->a_reads = row_stream;
        out->b_reads = col_stream;
        out->c_writes = stationary;
        break;
    case ASIM_DATAFLOW_WS:
        out->b_reads = stationary;
        out->a_reads = row_stream;
        out->c_writes = col_stream;
        out->psum_reads = (fr - 1) * cols_dim * t;
        break;
    default:
        out->a_reads = stationary;
        out->b_reads = row_stream;
        out->c_writes = col_stream;
        out->psum_reads = (fr - 1) * cols_dim * t;
        break;
    }
}
