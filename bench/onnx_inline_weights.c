/*
 * onnx_inline_weights.c: writes a copy of an ONNX model whose float initializers without data
 * (the stripped models in models/onnx/) hold their full weights inline as raw_data, so that
 * bench/bench_import.sh times the import of a real-size file (bert_base: 438 MB) without
 * storing one. The bytes are a fixed pattern; only their amount matters to the importer.
 *   onnx_inline_weights IN.onnx OUT.onnx
 * Prints the tensors filled and the bytes written; exits 1 on any error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            uint8_t *grown = realloc(data, cap = 2 * cap + 65536);
            if (!grown)
                break;
            data = grown;
        }
        size_t got = fread(data + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return NULL;
    }
    return data;
}

/* Bytes of a float initializer's full data, 0 if it has data, lives elsewhere or is not float. */
static size_t missing_bytes(const Onnx__TensorProto *t)
{
    if (t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || t->has_raw_data ||
        t->n_float_data || t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return 0;
    size_t n = 4;
    for (size_t i = 0; i < t->n_dims; i++)
        n *= (size_t)t->dims[i];
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: onnx_inline_weights IN.onnx OUT.onnx\n");
        return 2;
    }
    size_t len;
    uint8_t *in = read_all(argv[1], &len);
    Onnx__ModelProto *m = in ? onnx__model_proto__unpack(NULL, len, in) : NULL;
    free(in);
    if (!m || !m->graph) {
        fprintf(stderr, "onnx_inline_weights: %s: cannot read an ONNX model\n", argv[1]);
        return 1;
    }
    Onnx__GraphProto *g = m->graph;
    size_t largest = 0, filled = 0;
    for (size_t i = 0; i < g->n_initializer; i++)
        if (missing_bytes(g->initializer[i]) > largest)
            largest = missing_bytes(g->initializer[i]);
    uint8_t *pattern = malloc(largest ? largest : 1);
    if (!pattern)
        return 1;
    for (size_t i = 0; i < largest; i++)
        pattern[i] = (uint8_t)(i * 131u >> 3); /* not all zero: no file-system hole */
    for (size_t i = 0; i < g->n_initializer; i++) {
        Onnx__TensorProto *t = g->initializer[i];
        size_t n = missing_bytes(t);
        if (n) {
            t->raw_data.data = pattern; /* shared: detached again before the free below */
            t->raw_data.len = n;
            t->has_raw_data = 1;
            filled++;
        }
    }
    size_t out_len = onnx__model_proto__get_packed_size(m);
    uint8_t *out = malloc(out_len);
    FILE *f = fopen(argv[2], "wb");
    int ok = out && f && onnx__model_proto__pack(m, out) == out_len &&
             fwrite(out, 1, out_len, f) == out_len;
    if (f && fclose(f))
        ok = 0;
    for (size_t i = 0; i < g->n_initializer; i++)
        if (g->initializer[i]->raw_data.data == pattern) {
            g->initializer[i]->raw_data = (ProtobufCBinaryData){0, NULL};
            g->initializer[i]->has_raw_data = 0;
        }
    onnx__model_proto__free_unpacked(m, NULL);
    free(pattern);
    free(out);
    if (!ok) {
        fprintf(stderr, "onnx_inline_weights: %s: cannot write it\n", argv[2]);
        return 1;
    }
    printf("%s: %zu initializers filled, %zu bytes\n", argv[2], filled, out_len);
    return 0;
}
