// The store's schema, written once for SQLite and PostgreSQL, and its migrations.
// A version number in table schema_version says which migrations a store has had;
// opening a store applies the missing ones, each in its own transaction.
#pragma once

#include "store/connection.h"

namespace kagami::store {

/// The version this build writes. A store with a higher version was written by a newer
/// kagami and is refused rather than misread.
inline constexpr int kSchemaVersion = 1;

/// Brings the store to kSchemaVersion; returns the version it found (0 for a new store).
Result<int> migrate(Connection& db);

}  // namespace kagami::store
