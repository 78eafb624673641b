#include "mime/lenient.h"

#include <vector>

#include "core/text.h"

namespace kagami::mime {
namespace {

// "Content-Type(meow):" or "Content-Type (a(b)) :" -> the length of "Content-Type" and the
// offset just past the colon; 0 when `line` is not such a header.
std::pair<std::size_t, std::size_t> commented_content_header(std::string_view line) {
    if (!core::istarts_with(line, "content-")) return {0, 0};
    std::size_t name_end = 8;
    while (name_end < line.size() &&
           (std::isalnum(static_cast<unsigned char>(line[name_end])) || line[name_end] == '-'))
        ++name_end;
    std::size_t i = name_end;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] != '(') return {0, 0};
    int depth = 0;
    for (; i < line.size(); ++i) {
        if (line[i] == '(')
            ++depth;
        else if (line[i] == ')' && --depth == 0)
            break;
        else if (line[i] == ':')
            return {0, 0};
    }
    if (i >= line.size()) return {0, 0};
    ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] != ':') return {0, 0};
    return {name_end, i + 1};
}

// Splits a header value at the ';' that are outside quoted strings.
std::vector<std::string_view> split_params(std::string_view value) {
    std::vector<std::string_view> out;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '"')
            quoted = !quoted;
        else if (value[i] == ';' && !quoted) {
            out.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(value.substr(start));
    return out;
}

bool is_boundary_param(std::string_view param) {
    param = core::trim(param);
    if (!core::istarts_with(param, "boundary")) return false;
    param.remove_prefix(8);
    param = core::trim(param);
    return !param.empty() && param.front() == '=';
}

// A Content-Type value with several boundary parameters keeps only its last one.
std::optional<std::string> keep_last_boundary(std::string_view value) {
    auto params = split_params(value);
    std::size_t last = params.size(), count = 0;
    for (std::size_t i = 0; i < params.size(); ++i)
        if (is_boundary_param(params[i])) ++count, last = i;
    if (count < 2) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (is_boundary_param(params[i]) && i != last) continue;
        if (!out.empty()) out += ';';
        out += params[i];
    }
    return out;
}

// One pass over the lines; with `out` null it only says whether anything would change,
// so that ordinary mail costs a scan and no copy.
bool rewrite(std::string_view raw, std::string* out) {
    bool changed = false;
    auto emit = [&](std::string_view piece) {
        if (out) out->append(piece);
    };
    std::size_t pos = 0;
    while (pos < raw.size()) {
        std::size_t eol = raw.find('\n', pos);
        std::size_t next = eol == std::string_view::npos ? raw.size() : eol + 1;
        std::string_view line = raw.substr(pos, next - pos);
        pos = next;
        if (line.size() < 13 || (line[0] != 'C' && line[0] != 'c')) {
            emit(line);
            continue;
        }
        if (auto [name_end, colon_end] = commented_content_header(line); name_end != 0) {
            emit(line.substr(0, name_end));
            emit(":");
            emit(line.substr(colon_end));
            changed = true;
            continue;
        }
        if (!core::istarts_with(line, "content-type:")) {
            emit(line);
            continue;
        }
        // The whole field, continuation lines included.
        std::size_t end = next;
        while (end < raw.size() && (raw[end] == ' ' || raw[end] == '\t')) {
            std::size_t e = raw.find('\n', end);
            end = e == std::string_view::npos ? raw.size() : e + 1;
        }
        std::string_view field = raw.substr(next - line.size(), end - (next - line.size()));
        pos = end;
        if (auto fixed = keep_last_boundary(field.substr(13))) {
            emit(field.substr(0, 13));
            emit(*fixed);
            changed = true;
        } else {
            emit(field);
        }
    }
    return changed;
}

}  // namespace

std::optional<std::string> lenient_rewrite(std::string_view raw) {
    if (!rewrite(raw, nullptr)) return std::nullopt;
    std::string out;
    out.reserve(raw.size());
    rewrite(raw, &out);
    return out;
}

}  // namespace kagami::mime
