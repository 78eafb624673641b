#include "store/connection.h"

namespace kagami::store {

bool is_postgresql(std::string_view target) {
    return target.starts_with("postgresql:") || target.starts_with("postgres:");
}

Result<std::unique_ptr<Connection>> connect(const std::string& target) {
    if (target.empty()) return Error{Errc::config, "no database given"};
    if (is_postgresql(target)) return detail::connect_postgresql(target);
    return detail::connect_sqlite(target);
}

}  // namespace kagami::store
