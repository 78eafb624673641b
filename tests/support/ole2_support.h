// SPDX-License-Identifier: Apache-2.0
// Header-only helpers for the OLE2 analyzer's tests (ole2_tests links the analyzer and
// zlib; kagami_test_support does not, so nothing here is compiled into it).
#pragma once

#include <zlib.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "analyzers/ole2/ole2.h"

namespace kagami::test {

/// Runs Ole2Analyzer on `bytes` and keeps everything it reported.
struct Ole2Run {
    explicit Ole2Run(std::string data, Limits l = {}, std::string name = "x.bin")
        : limits(l), bytes(std::move(data)), file_name(std::move(name)) {
        analyzer.analyze({bytes, file_name, file_name, 0}, out);
    }

    bool has_fact(std::string_view name, std::string_view value) const {
        return std::any_of(out_facts().begin(), out_facts().end(),
                           [&](const auto& f) { return f.name == name && f.value == value; });
    }
    /// The first value of fact `name`, or "".
    std::string fact(std::string_view name) const {
        for (const auto& f : out_facts())
            if (f.name == name) return f.value;
        return "";
    }
    std::size_t count_findings(std::string_view id) const {
        auto& fs = const_cast<analyzers::Output&>(out).findings();
        return static_cast<std::size_t>(
            std::count_if(fs.begin(), fs.end(), [&](const Finding& f) { return f.id == id; }));
    }
    bool has_finding(std::string_view id) const { return count_findings(id) > 0; }

    Limits limits;
    analyzers::Context ctx{limits, {}};
    analyzers::Ole2Analyzer analyzer;
    std::string bytes;
    std::string file_name;
    analyzers::Output out{analyzer.name(), file_name, ctx};

private:
    const std::vector<analyzers::Fact>& out_facts() const {
        return const_cast<analyzers::Output&>(out).facts();
    }
};

/// zlib (RFC 1950) compression of `data`, as PowerPoint stores embedded objects.
inline std::string zlib_compress(std::string_view data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::string out(size, '\0');
    compress(reinterpret_cast<Bytef*>(out.data()), &size,
             reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()));
    out.resize(size);
    return out;
}

}  // namespace kagami::test
