// yaml_shim.cpp: the only C++ in the simulator. Parses YAML with yaml-cpp and copies it
// into the C tree of yaml.h. Every exception is caught here and turned into an asim_error_t.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <vector>
#include <cstring>
#include <new>
#include <string>

#include "config/yaml.h"

namespace {

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

// Thrown by the builder to stop the parser once err is set.
struct Stop {};

// Builds the C tree from yaml-cpp's parse events as they come, so the limits (nodes, depth,
// NUL bytes, key kinds) stop the parse at the node that breaks them: no yaml-cpp node tree
// is ever built (YAML::Load would build all of it first; an 8 MiB "{,,,...}" took 8 GB).
class Builder : public YAML::EventHandler {
public:
    Builder(const char *name, asim_error_t *err) : name_(name), err_(err) {}
    ~Builder() override
    {
        for (Frame &f : stack_) {
            free_items(f.items);
            std::free(f.node.key);
        }
        for (auto &a : anchors_)
            free_tree(a.second.node);
        free_children(&root_);
        std::free(root_.key);
        std::free(root_.text);
    }
    // Moves the finished tree into *top.
    void take(asim_yaml_node_t *top)
    {
        *top = root_;
        root_ = asim_yaml_node_t{};
    }

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        asim_yaml_node_t n = start(mark, "a null key");
        n.kind = ASIM_YAML_NULL;
        finish(n, anchor, 1);
    }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        auto it = anchors_.find(anchor);
        if (it == anchors_.end())
            fail(mark, ASIM_ESYNTAX, "alias to an unknown anchor");
        if (nodes_ + it->second.size > ASIM_YAML_MAX_NODES)
            fail(mark, ASIM_ERANGE, "more than %d YAML nodes (an alias counts its anchor's nodes again)",
                 ASIM_YAML_MAX_NODES);
        asim_yaml_node_t n = start(mark, "an alias key");
        copy_tree(it->second.node, &n);
        nodes_ += it->second.size - 1; // start() counted one
        n.line = mark.line + 1;
        n.col = mark.column + 1;
        finish(n, 0, it->second.size);
    }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                  const std::string &value) override
    {
        size_t nul = value.find('\0');
        if (nul != std::string::npos)
            fail(mark, ASIM_ESYNTAX, "a NUL character inside a %s (at character %zu)",
                 expecting_key() ? "key" : "value", nul + 1);
        if (expecting_key()) {
            Frame &f = stack_.back();
            f.key = value;
            f.key_line = mark.line + 1;
            f.key_col = mark.column + 1;
            f.have_key = true;
            if (anchor)
                fail(mark, ASIM_ESYNTAX, "anchors on keys are not supported");
            count(mark);
            return;
        }
        asim_yaml_node_t n = start(mark, nullptr);
        n.kind = ASIM_YAML_SCALAR;
        n.text = dup_string(value);
        finish(n, anchor, 1);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(mark, ASIM_YAML_SEQ, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(mark, ASIM_YAML_MAP, anchor);
    }
    void OnMapEnd() override { close(); }

    // Sets err to "name:line:col: message" and stops the parse.
    [[noreturn]] void fail(const YAML::Mark &mark, asim_status_t code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)))
    {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        asim_error_at(err_, code, name_, mark.line + 1, mark.column + 1, "%s", msg);
        throw Stop();
    }

private:
    struct Frame {
        asim_yaml_node_t node;                // kind, place, key
        std::vector<asim_yaml_node_t> items;  // children so far
        YAML::anchor_t anchor;
        size_t first_node;                    // nodes_ when it opened, to size anchors
        std::string key;                      // map: the key waiting for its value
        int key_line = 0, key_col = 0;
        bool have_key = false;
    };
    struct Anchored {
        asim_yaml_node_t *node;
        size_t size;
    };

    bool expecting_key() const
    {
        return !stack_.empty() && stack_.back().node.kind == ASIM_YAML_MAP &&
               !stack_.back().have_key;
    }
    void count(const YAML::Mark &mark)
    {
        if (++nodes_ > ASIM_YAML_MAX_NODES)
            fail(mark, ASIM_ERANGE, "more than %d YAML nodes (an alias counts its anchor's nodes again)",
                 ASIM_YAML_MAX_NODES);
    }
    // A new node at mark, with its key if it is a map value; `as_key` names it when a map
    // expects a key (only scalars may be keys).
    asim_yaml_node_t start(const YAML::Mark &mark, const char *as_key)
    {
        if (done_)
            fail(mark, ASIM_ESYNTAX, "more than one value at the top level");
        if (expecting_key())
            fail(mark, ASIM_ESYNTAX, "keys must be plain text, not %s",
                 as_key ? as_key : "a list or a mapping");
        count(mark);
        asim_yaml_node_t n{};
        n.line = mark.line + 1;
        n.col = mark.column + 1;
        if (!stack_.empty() && stack_.back().node.kind == ASIM_YAML_MAP) {
            Frame &f = stack_.back();
            n.key = dup_string(f.key);
            n.key_line = f.key_line;
            n.key_col = f.key_col;
            f.have_key = false;
        }
        return n;
    }
    void open(const YAML::Mark &mark, asim_yaml_kind_t kind, YAML::anchor_t anchor)
    {
        Frame f;
        f.node = start(mark, nullptr);
        f.node.kind = kind;
        f.anchor = anchor;
        f.first_node = nodes_ - 1;
        if (stack_.size() >= ASIM_YAML_MAX_DEPTH) {
            std::free(f.node.key);
            fail(mark, ASIM_ERANGE, "nesting deeper than %d levels", ASIM_YAML_MAX_DEPTH);
        }
        stack_.push_back(std::move(f));
    }
    void close()
    {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        asim_yaml_node_t n = f.node;
        n.len = f.items.size();
        n.items = static_cast<asim_yaml_node_t *>(std::calloc(n.len ? n.len : 1, sizeof *n.items));
        if (!n.items) {
            free_items(f.items);
            std::free(n.key);
            throw std::bad_alloc();
        }
        std::copy(f.items.begin(), f.items.end(), n.items);
        finish(n, f.anchor, nodes_ - f.first_node);
    }
    // Puts a finished node into its parent (or makes it the root), recording its anchor.
    void finish(asim_yaml_node_t &n, YAML::anchor_t anchor, size_t size)
    {
        if (anchor) {
            asim_yaml_node_t *copy =
                static_cast<asim_yaml_node_t *>(std::calloc(1, sizeof *copy));
            if (!copy)
                throw std::bad_alloc();
            anchors_[anchor] = Anchored{copy, size};
            copy_tree(&n, copy);
        }
        if (stack_.empty()) {
            root_ = n;
            done_ = true;
        } else {
            stack_.back().items.push_back(n);
        }
    }
    static void copy_tree(const asim_yaml_node_t *from, asim_yaml_node_t *to)
    {
        char *key = to->key; // keep the key of the place it is copied to
        int key_line = to->key_line, key_col = to->key_col;
        *to = *from;
        to->key = key;
        to->key_line = key_line;
        to->key_col = key_col;
        to->text = from->text ? dup_string(from->text) : nullptr;
        to->items = nullptr;
        if (from->kind == ASIM_YAML_SEQ || from->kind == ASIM_YAML_MAP) {
            to->items = static_cast<asim_yaml_node_t *>(
                std::calloc(from->len ? from->len : 1, sizeof *to->items));
            if (!to->items)
                throw std::bad_alloc();
            for (size_t i = 0; i < from->len; i++) {
                to->items[i].key = from->items[i].key ? dup_string(from->items[i].key) : nullptr;
                to->items[i].key_line = from->items[i].key_line;
                to->items[i].key_col = from->items[i].key_col;
                copy_tree(&from->items[i], &to->items[i]);
            }
        }
    }
    static void free_items(std::vector<asim_yaml_node_t> &items)
    {
        for (asim_yaml_node_t &n : items) {
            free_children(&n);
            std::free(n.key);
            std::free(n.text);
        }
        items.clear();
    }
    static void free_tree(asim_yaml_node_t *n)
    {
        free_children(n);
        std::free(n->key);
        std::free(n->text);
        std::free(n);
    }

    const char *name_;
    asim_error_t *err_;
    size_t nodes_ = 0;
    bool done_ = false;
    asim_yaml_node_t root_{};
    std::vector<Frame> stack_;
    std::map<YAML::anchor_t, Anchored> anchors_;
};

// yaml-cpp's scanner queues every token of a flow collection ([...] or {...}) before the
// parser emits its first event (each may still turn out to be a simple key), about 300
// bytes a token. So before parsing, flow collections are counted: an outermost one with
// more than ASIM_YAML_MAX_FLOW_ITEMS items (its commas and the brackets and braces opened
// inside it) is refused. The count skips comments and quoted strings; a bracket or brace
// opens a collection only where a token may start (after a space, a line start, or one of
// [ { , : -), so "x[1" in a plain scalar does not.
asim_status_t check_flow_sizes(const char *name, const char *text, size_t len,
                               asim_error_t *err)
{
    size_t depth = 0, items = 0;
    int line = 1, col = 0, start_line = 0, start_col = 0;
    char quote = 0, prev = '\n';
    for (size_t i = 0; i < len; prev = text[i], i++) {
        char c = text[i];
        col = c == '\n' ? 0 : col + 1;
        line += c == '\n';
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < len)
                i++, col++;
            else if (c == quote && quote == '\'' && i + 1 < len && text[i + 1] == '\'')
                i++, col++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        bool token_start = std::strchr(" \t\n[{,:-", prev) != nullptr;
        if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n')) {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
        } else if ((c == '"' || c == '\'') && token_start) {
            quote = c;
        } else if ((c == '[' || c == '{') && (token_start || depth > 0)) {
            if (depth++ == 0) {
                items = 0;
                start_line = line, start_col = col;
            }
            items++;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        } else if (c == ',' && depth > 0) {
            items++;
        }
        if (items > ASIM_YAML_MAX_FLOW_ITEMS)
            return asim_error_at(err, ASIM_ERANGE, name, line, col,
                                 "the flow collection ([...] or {...}) that starts at %d:%d has "
                                 "more than %d items; write long lists in block style (one "
                                 "'- item' a line)",
                                 start_line, start_col, ASIM_YAML_MAX_FLOW_ITEMS);
    }
    return ASIM_OK;
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
    if ((checked = check_flow_sizes(name, text, len, err)) != ASIM_OK)
        return checked;
    asim_yaml_node_t *top = static_cast<asim_yaml_node_t *>(std::calloc(1, sizeof *top));
    if (!top)
        return asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
    try {
        std::istringstream in(std::string(text, len));
        YAML::Parser parser(in);
        Builder b(name, err);
        parser.HandleNextDocument(b);
        struct Second : YAML::EventHandler { // stops at the start of a second document
            Builder &b;
            explicit Second(Builder &b) : b(b) {}
            void OnDocumentStart(const YAML::Mark &m) override
            {
                b.fail(m, ASIM_ESYNTAX, "a second YAML document starts here; a file holds one");
            }
            void OnDocumentEnd() override {}
            void OnNull(const YAML::Mark &m, YAML::anchor_t) override { OnDocumentStart(m); }
            void OnAlias(const YAML::Mark &m, YAML::anchor_t) override { OnDocumentStart(m); }
            void OnScalar(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                          const std::string &) override { OnDocumentStart(m); }
            void OnSequenceStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                                 YAML::EmitterStyle::value) override { OnDocumentStart(m); }
            void OnSequenceEnd() override {}
            void OnMapStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                            YAML::EmitterStyle::value) override { OnDocumentStart(m); }
            void OnMapEnd() override {}
        } second(b);
        parser.HandleNextDocument(second);
        b.take(top);
    } catch (const Stop &) {
        asim_yaml_free(top);
        return err ? err->code : ASIM_ESYNTAX;
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
