// A canonical text of everything a store holds, by natural keys (message SHA-256,
// indicator values) rather than row ids, so that two stores built in different orders
// (threads, a resumed hunt) compare equal exactly when they hold the same things.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "store/store.h"

namespace kagami::test {

inline std::string store_dump(store::Store& s) {
    std::vector<std::string> lines;
    auto collect = [&](std::string_view sql) {
        auto st = s.db().run(sql, {}, [&](const store::Row& r) {
            lines.emplace_back(r.text(0));
            return true;
        });
        if (!st) lines.push_back("ERROR " + st.error().message);
    };
    // One text column per row, built in SQL (|| works on both backends).
    collect(
        "SELECT 'message ' || sha256 || ' ' || source || ' ' || source_index || ' ' || size "
        "|| ' ' || coalesce(date_utc, -1) || ' ' || sender || ' ' || verdict || ' ' || "
        "round(score * 100) || ' ' || locked || ' ' || subject FROM message");
    collect(
        "SELECT 'recipient ' || m.sha256 || ' ' || r.kind || ' ' || r.address FROM recipient "
        "r JOIN message m ON m.id = r.message");
    collect(
        "SELECT 'artifact ' || m.sha256 || ' ' || a.ordinal || ' ' || a.path || ' ' || "
        "a.type || ' ' || a.sha256 || ' ' || a.ssdeep FROM artifact a JOIN message m ON "
        "m.id = a.message");
    collect(
        "SELECT 'finding ' || m.sha256 || ' ' || f.ordinal || ' ' || f.id || ' ' || "
        "f.evidence || ' ' || f.location FROM finding f JOIN message m ON m.id = f.message");
    collect(
        "SELECT 'indicator ' || m.sha256 || ' ' || i.type || ' ' || i.value || ' ' || "
        "o.location FROM observation o JOIN message m ON m.id = o.message JOIN indicator i "
        "ON i.id = o.indicator");
    collect(
        "SELECT 'password ' || m.sha256 || ' ' || p.password FROM password p JOIN message m "
        "ON m.id = p.message");
    collect("SELECT 'distinct ' || type || ' ' || value FROM indicator");
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + '\n';
    return out;
}

}  // namespace kagami::test
