// Retro-hunting: archives scanned into the store on every core, resumably; new feeds
// matched against the indicators already stored; and encrypted archives opened with a
// password that came in a later mail.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "detect/intel/indicators.h"
#include "engine.h"
#include "ingest/source.h"
#include "store/store.h"

namespace kagami::store {

/// Counters of a running hunt.
struct HuntProgress {
    std::uint64_t read = 0;         ///< messages read from the archives
    std::uint64_t stored = 0;       ///< messages written (committed)
    std::uint64_t known = 0;        ///< already in the store (resumed or met twice): skipped
    std::uint64_t bytes = 0;        ///< bytes of the messages read
    std::uint64_t total_bytes = 0;  ///< size of the archives, for an ETA (0: unknown)
    std::uint64_t errors = 0;       ///< files or mailboxes reported and skipped
    std::chrono::steady_clock::duration elapsed{};
};

struct HuntOptions {
    std::vector<std::string> paths;
    unsigned threads = 0;  ///< scanning threads; 0: all cores
    ingest::ReadOptions read;
    /// Messages per transaction: the most a crash costs to scan again.
    std::size_t batch_messages = 64;
    std::chrono::milliseconds batch_time{500};
    /// Called from the writer after each commit and once at the end.
    std::function<void(const HuntProgress&)> on_progress;
    /// A file, mailbox or message that could not be read (the hunt goes on).
    std::function<void(const Error&)> on_error;
    /// Set (by a signal handler) to stop cleanly: what was scanned is committed.
    const std::atomic<bool>* stop = nullptr;
};

struct HuntSummary {
    HuntProgress progress;
    bool interrupted = false;  ///< stopped by `stop`
    /// Set when the store failed (full disk, lost server): the hunt stopped and whatever
    /// was committed stays; running it again resumes.
    std::optional<Error> failure;
};

/// Scans `options.paths` into `store`. Messages already stored, or met earlier in this
/// run, are read and hashed but not scanned again.
HuntSummary hunt(Store& store, const Engine& engine, std::int64_t config,
                 const HuntOptions& options);

/// Total size of the regular files under `paths` (for the ETA).
std::uint64_t archive_bytes(const std::vector<std::string>& paths);

/// One stored indicator a feed knows.
struct HuntHit {
    MessageSummary message;
    std::string indicator;  ///< as the feed has it
    std::string observed;   ///< as the message had it (a subdomain, an address in a network)
    std::string type;       ///< "domain", "url", "sha256", ...
    std::string where;      ///< header, part or artifact path
    std::string feed;
    std::vector<std::string> actors, malware, campaigns;
};

/// Matches `feed` against every indicator in the store, without reading a message again;
/// hits ordered by message time, then message, then indicator.
Result<std::vector<HuntHit>> hunt_stored(Store& store, const detect::intel::IndicatorSet& feed);

/// How long after an encrypted archive a separate password mail is looked for.
inline constexpr std::chrono::seconds kDefaultPasswordWindow{24 * 3600};

struct Unlocked {
    std::int64_t message = 0;   ///< the message whose archive opened
    std::int64_t key_from = 0;  ///< the message that gave the password
    std::string verdict;        ///< its new verdict
};

/// For every stored message whose archive stayed locked, looks for a later message
/// from the same sender to the same recipients within `window` that states passwords;
/// when one opens the archive, the message is analysed again and its record replaced,
/// with a finding naming the mail that gave the key.
Result<std::vector<Unlocked>> unlock_split_passwords(Store& store, const Engine& engine,
                                                     std::int64_t config,
                                                     std::chrono::seconds window);

}  // namespace kagami::store
