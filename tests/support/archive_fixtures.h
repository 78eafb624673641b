// Header-only helpers for the archive analyzer's tests (they link libarchive; the shared
// support library does not): running the analyzer, finding facts
// and findings, and writing fixtures with libarchive's own writer.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/archive/archive.h"

namespace kagami::archive_test {

struct Result {
    std::string type;
    std::vector<analyzers::Fact> facts;
    std::vector<Finding> findings;
    std::vector<analyzers::Child> children;

    bool has_finding(std::string_view id) const {
        return std::any_of(findings.begin(), findings.end(),
                           [&](const Finding& f) { return f.id == id; });
    }
    const Finding* finding(std::string_view id) const {
        for (const auto& f : findings)
            if (f.id == id) return &f;
        return nullptr;
    }
    std::string fact(std::string_view name) const {
        for (const auto& f : facts)
            if (f.name == name) return f.value;
        return {};
    }
    std::vector<std::string> all(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& f : facts)
            if (f.name == name) out.push_back(f.value);
        return out;
    }
    std::vector<std::string> child_names() const {
        std::vector<std::string> out;
        for (const auto& c : children) out.push_back(c.name);
        return out;
    }
};

inline Limits untimed() {
    Limits l;
    l.max_analysis_ms = 0;  // no timing in tests: bounds come from sizes
    return l;
}

inline Result run(std::string_view bytes, std::vector<std::string> passwords = {},
                  const Limits& limits = untimed(), std::string_view name = "x") {
    analyzers::Context ctx(limits, std::move(passwords));
    analyzers::ArchiveAnalyzer a;
    analyzers::Output out(a.name(), name, ctx);
    a.analyze({bytes, name, name, 0}, out);
    return {out.type(), std::move(out.facts()), std::move(out.findings()),
            std::move(out.children())};
}

struct File {
    std::string name;  // UTF-8
    std::string data;
    bool directory = false;
};

struct WriteOptions {
    const char* format = "zip";    // archive_write_set_format_by_name
    const char* filter = nullptr;  // "gzip", "bzip2", "xz", ...
    const char* options = nullptr;
    const char* passphrase = nullptr;
};

namespace detail {
inline la_ssize_t append(struct archive*, void* user, const void* buf, size_t n) {
    static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
}
}  // namespace detail

/// An archive written by libarchive; "" when libarchive refused (the test then fails).
inline std::string write_archive(const std::vector<File>& files, const WriteOptions& o = {}) {
    // Writers convert names to the locale's charset: a UTF-8 locale for this thread.
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    struct Restore {
        locale_t old;
        ~Restore() {
            if (old != locale_t{}) uselocale(old);
        }
    } restore{utf8 != locale_t{} ? uselocale(utf8) : locale_t{}};
    std::string out;
    struct archive* a = archive_write_new();
    bool ok = archive_write_set_format_by_name(a, o.format) == ARCHIVE_OK;
    if (o.filter) ok = ok && archive_write_add_filter_by_name(a, o.filter) == ARCHIVE_OK;
    if (o.options) ok = ok && archive_write_set_options(a, o.options) == ARCHIVE_OK;
    if (o.passphrase) ok = ok && archive_write_set_passphrase(a, o.passphrase) == ARCHIVE_OK;
    archive_write_set_bytes_in_last_block(a, 1);
    ok = ok && archive_write_open(a, &out, nullptr, detail::append, nullptr) == ARCHIVE_OK;
    for (const auto& f : files) {
        if (!ok) break;
        struct archive_entry* e = archive_entry_new();
        archive_entry_set_pathname_utf8(e, f.name.c_str());
        archive_entry_set_filetype(e, f.directory ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, f.directory ? 0755 : 0644);
        archive_entry_set_size(e, f.directory ? 0 : static_cast<la_int64_t>(f.data.size()));
        archive_entry_set_mtime(e, 1735689600, 0);
        ok = archive_write_header(a, e) >= ARCHIVE_WARN;
        if (ok && !f.directory && !f.data.empty())
            ok = archive_write_data(a, f.data.data(), f.data.size()) ==
                 static_cast<la_ssize_t>(f.data.size());
        archive_entry_free(e);
    }
    ok = ok && archive_write_close(a) == ARCHIVE_OK;
    archive_write_free(a);
    return ok ? out : std::string();
}

/// A ZIP of one deflated entry of `size` zero bytes, written in 1 MiB blocks so that
/// building it needs little memory.
inline std::string zeros_zip(std::size_t size, const char* name = "zeros.bin") {
    std::string out;
    struct archive* a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression=deflate,zip:compression-level=9");
    archive_write_open(a, &out, nullptr, detail::append, nullptr);
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_write_header(a, e);
    std::string block(1u << 20, '\0');
    for (std::size_t done = 0; done < size;) {
        std::size_t n = std::min(block.size(), size - done);
        archive_write_data(a, block.data(), n);
        done += n;
    }
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

}  // namespace kagami::archive_test
