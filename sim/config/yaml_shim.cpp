// yaml_shim.cpp: the only C++ in the simulator. Parses YAML with yaml-cpp and copies it
// into the C tree of yaml.h. Every exception is caught here and turned into an asim_error_t.
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "config/yaml.h"

namespace {

struct Builder {
    const char *name;
    size_t nodes = 0;
    asim_error_t *err;
};

char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

void free_children(asim_yaml_node_t *n)
{
    for (size_t i = 0; i < n->len; i++) {
        free_children(&n->items[i]);
        std::free(n->items[i].key);
        std::free(n->items[i].text);
    }
    std::free(n->items);
    n->items = nullptr;
    n->len = 0;
}

// Copies `in` into `out`; returns false with err set on a limit.
bool convert(Builder &b, const YAML::Node &in, asim_yaml_node_t *out, int depth)
{
    const YAML::Mark m = in.Mark();
    out->line = m.line >= 0 ? m.line + 1 : 0;
    out->col = m.column >= 0 ? m.column + 1 : 0;
    if (++b.nodes > ASIM_YAML_MAX_NODES) {
        asim_error_at(b.err, ASIM_ERANGE, b.name, out->line, out->col,
                      "more than %d YAML nodes (alias expansion?)", ASIM_YAML_MAX_NODES);
        return false;
    }
    if (depth > ASIM_YAML_MAX_DEPTH) {
        asim_error_at(b.err, ASIM_ERANGE, b.name, out->line, out->col,
                      "nesting deeper than %d levels", ASIM_YAML_MAX_DEPTH);
        return false;
    }
    switch (in.Type()) {
    case YAML::NodeType::Scalar:
        out->kind = ASIM_YAML_SCALAR;
        out->text = dup_string(in.Scalar());
        return true;
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
        bool is_map = in.Type() == YAML::NodeType::Map;
        out->kind = is_map ? ASIM_YAML_MAP : ASIM_YAML_SEQ;
        size_t n = in.size();
        out->items = static_cast<asim_yaml_node_t *>(std::calloc(n ? n : 1, sizeof *out->items));
        if (!out->items)
            throw std::bad_alloc();
        for (YAML::const_iterator it = in.begin(); it != in.end(); ++it) {
            asim_yaml_node_t *child = &out->items[out->len++];
            const YAML::Node value = is_map ? it->second : *it;
            if (is_map) {
                const YAML::Mark km = it->first.Mark();
                child->key_line = km.line + 1;
                child->key_col = km.column + 1;
                if (!it->first.IsScalar()) {
                    asim_error_at(b.err, ASIM_ESYNTAX, b.name, child->key_line, child->key_col,
                                  "keys must be plain text");
                    return false;
                }
                child->key = dup_string(it->first.Scalar());
            }
            if (!convert(b, value, child, depth + 1))
                return false;
        }
        return true;
    }
    default:
        out->kind = ASIM_YAML_NULL;
        return true;
    }
}

} // namespace

extern "C" asim_status_t asim_yaml_parse(const char *name, const char *text, size_t len,
                                         asim_yaml_node_t **root, asim_error_t *err)
{
    *root = nullptr;
    asim_status_t checked = asim_text_check(name, text, len, err);
    if (checked != ASIM_OK)
        return checked;
    if (len > ASIM_YAML_MAX_BYTES)
        return asim_error_set(err, ASIM_ERANGE, name, "more than %u bytes of YAML",
                              ASIM_YAML_MAX_BYTES);
    asim_yaml_node_t *top = static_cast<asim_yaml_node_t *>(std::calloc(1, sizeof *top));
    if (!top)
        return asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
    try {
        YAML::Node doc = YAML::Load(std::string(text, len));
        Builder b{name, 0, err};
        if (!convert(b, doc, top, 0)) {
            asim_yaml_free(top);
            return err ? err->code : ASIM_ERANGE;
        }
    } catch (const YAML::Exception &e) {
        asim_yaml_free(top);
        return asim_error_at(err, ASIM_ESYNTAX, name, e.mark.line + 1, e.mark.column + 1,
                             "YAML syntax error: %s", e.msg.c_str());
    } catch (const std::bad_alloc &) {
        asim_yaml_free(top);
        return asim_error_set(err, ASIM_ENOMEM, name, "out of memory while parsing");
    } catch (const std::exception &e) {
        asim_yaml_free(top);
        return asim_error_set(err, ASIM_ESYNTAX, name, "cannot parse: %s", e.what());
    }
    *root = top;
    return ASIM_OK;
}

extern "C" asim_status_t asim_yaml_load(const char *path, asim_yaml_node_t **root,
                                        asim_error_t *err)
{
    char *text = nullptr;
    size_t len = 0;
    asim_status_t st = asim_read_text_file(path, ASIM_YAML_MAX_BYTES, &text, &len, err);
    if (st != ASIM_OK)
        return st;
    st = asim_yaml_parse(path, text, len, root, err);
    std::free(text);
    return st;
}

extern "C" void asim_yaml_free(asim_yaml_node_t *root)
{
    if (!root)
        return;
    free_children(root);
    std::free(root->key);
    std::free(root->text);
    std::free(root);
}

extern "C" const asim_yaml_node_t *asim_yaml_get(const asim_yaml_node_t *map, const char *key)
{
    if (!map || map->kind != ASIM_YAML_MAP)
        return nullptr;
    for (size_t i = 0; i < map->len; i++)
        if (std::strcmp(map->items[i].key, key) == 0)
            return &map->items[i];
    return nullptr;
}

extern "C" const char *asim_yaml_kind_name(asim_yaml_kind_t kind)
{
    switch (kind) {
    case ASIM_YAML_SCALAR: return "a scalar";
    case ASIM_YAML_SEQ: return "a list";
    case ASIM_YAML_MAP: return "a mapping";
    default: return "nothing";
    }
}
