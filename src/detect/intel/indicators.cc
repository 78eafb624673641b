// The indicator store: one flat open-addressing table over an arena of normalised keys,
// and contexts interned so that a million indicators of one feed share a few contexts.
#include "detect/intel/indicators.h"

#include <arpa/inet.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "core/text.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

constexpr std::size_t kMaxProblems = 20;
constexpr std::uintmax_t kMaxFeedBytes = std::uintmax_t(2) << 30;  // 2 GiB

std::size_t type_slot(IndicatorType t) {
    return static_cast<std::size_t>(t);
}

bool plain_token(std::string_view name) {
    for (char c : name)
        if (!is_token_char(c)) return false;
    return true;
}

std::string format_network(std::uint8_t kind, const std::uint8_t* bytes, int prefix) {
    char text[INET6_ADDRSTRLEN];
    int family = kind == std::uint8_t(KeyKind::cidr4) ? AF_INET : AF_INET6;
    if (!inet_ntop(family, bytes, text, sizeof text)) return {};
    return std::string(text) + "/" + std::to_string(prefix);
}

}  // namespace

std::string_view type_name(IndicatorType t) {
    switch (t) {
        case IndicatorType::domain:
            return "domain";
        case IndicatorType::url:
            return "url";
        case IndicatorType::ipv4:
            return "ipv4";
        case IndicatorType::ipv6:
            return "ipv6";
        case IndicatorType::email:
            return "email";
        case IndicatorType::md5:
            return "md5";
        case IndicatorType::sha1:
            return "sha1";
        case IndicatorType::sha256:
            return "sha256";
        case IndicatorType::file_name:
            return "file_name";
    }
    return "unknown";
}

std::uint64_t key_hash(std::uint8_t kind, std::string_view key) {
    std::uint64_t h = 1469598103934665603ull ^ kind;
    for (char c : key) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

void note_problem(LoadReport& report, std::string problem) {
    if (report.problems.size() < kMaxProblems) report.problems.push_back(std::move(problem));
}

void add_counted(IndicatorSet::Impl& impl, LoadReport& report, IndicatorType type,
                 std::string_view value, std::uint32_t context) {
    if (impl.add(type, value, context) == IndicatorSet::Impl::Added::invalid) {
        ++report.skipped;
        note_problem(report, "not a valid " + std::string(type_name(type)) + ": '" +
                                 std::string(value.substr(0, 80)) + "'");
    } else {
        ++report.indicators;
    }
}

IndicatorSet::Impl::~Impl() {
    free_literals();
}

std::uint32_t IndicatorSet::Impl::intern(const Context& c) {
    std::string key = c.feed;
    auto append = [&](const std::vector<std::string>& v) {
        key += '\x1e';
        for (const auto& s : v) key += s + '\x1f';
    };
    append(c.actors);
    append(c.malware);
    append(c.campaigns);
    key += '\x1e';
    key += c.description;
    auto [it, inserted] = context_index.try_emplace(std::move(key), std::uint32_t(contexts.size()));
    if (inserted) contexts.push_back(c);
    return it->second;
}

bool IndicatorSet::Impl::insert(std::uint8_t kind, std::string_view key, std::uint32_t context) {
    if (arena.size() + key.size() > 0xffffffffu || entries.size() >= 0x7fffffffu) return false;
    if ((entries.size() + 1) * 2 > slots.size()) {
        std::vector<std::uint32_t> grown(std::max<std::size_t>(64, slots.size() * 2), 0);
        std::size_t mask = grown.size() - 1;
        for (std::uint32_t i = 0; i < entries.size(); ++i) {
            std::size_t s = entries[i].hash & mask;
            while (grown[s]) s = (s + 1) & mask;
            grown[s] = i + 1;
        }
        slots.swap(grown);
    }
    std::uint64_t h = key_hash(kind, key);
    std::size_t mask = slots.size() - 1;
    std::size_t s = h & mask;
    while (slots[s]) {
        const Entry& e = entries[slots[s] - 1];
        if (e.hash == h && e.kind == kind && key_of(e) == key) return false;
        s = (s + 1) & mask;
    }
    entries.push_back(
        Entry{std::uint32_t(arena.size()), std::uint32_t(key.size()), context, kind, h});
    arena.append(key);
    slots[s] = std::uint32_t(entries.size());
    return true;
}

const Entry* IndicatorSet::Impl::lookup(std::uint8_t kind, std::string_view key) const {
    if (slots.empty()) return nullptr;
    std::uint64_t h = key_hash(kind, key);
    std::size_t mask = slots.size() - 1;
    for (std::size_t s = h & mask; slots[s]; s = (s + 1) & mask) {
        const Entry& e = entries[slots[s] - 1];
        if (e.hash == h && e.kind == kind && key_of(e) == key) return &e;
    }
    return nullptr;
}

IndicatorSet::Impl::Added IndicatorSet::Impl::add(IndicatorType type, std::string_view value,
                                                  std::uint32_t context) {
    std::string v = refang(core::trim(value));
    std::optional<std::string> key;
    switch (type) {
        case IndicatorType::domain:
            key = normalise_domain(v);
            break;
        case IndicatorType::url: {
            if (auto u = normalise_url(v)) key = std::move(u->url);
            break;
        }
        case IndicatorType::ipv4:
        case IndicatorType::ipv6: {
            auto ip = normalise_ip(v, true);
            if (!ip) break;
            type = ip->type;
            if (ip->prefix >= 0) {
                bool v4 = ip->type == IndicatorType::ipv4;
                // Networks wider than /8 (v4) or /16 (v6) would flag half the Internet.
                if ((v4 && ip->prefix < 8) || (!v4 && ip->prefix < 16)) return Added::invalid;
                std::string k(reinterpret_cast<const char*>(ip->bytes.data()), v4 ? 4 : 16);
                k += char(ip->prefix);
                auto kind = std::uint8_t(v4 ? KeyKind::cidr4 : KeyKind::cidr6);
                if (!insert(kind, k, context)) return Added::duplicate;
                if (v4)
                    v4_prefixes |= std::uint64_t(1) << ip->prefix;
                else
                    v6_prefixes[std::size_t(ip->prefix / 64)] |= std::uint64_t(1)
                                                                 << (ip->prefix % 64);
                ++type_counts[type_slot(type)];
                return Added::added;
            }
            key = std::move(ip->text);
            break;
        }
        case IndicatorType::email:
            key = normalise_email(v);
            break;
        case IndicatorType::md5:
        case IndicatorType::sha1:
        case IndicatorType::sha256:
            key = normalise_hash(v);
            if (key) type = *hash_type(key->size());
            break;
        case IndicatorType::file_name:
            key = normalise_file_name(v);
            break;
    }
    if (!key) return Added::invalid;
    if (!insert(std::uint8_t(type), *key, context)) return Added::duplicate;
    ++type_counts[type_slot(type)];
    if (hash_type(key->size()) && (type == IndicatorType::md5 || type == IndicatorType::sha1 ||
                                   type == IndicatorType::sha256))
        ++hashes;
    if (type == IndicatorType::file_name && !plain_token(*key)) {
        auto entry = std::uint32_t(entries.size() - 1);
        literal_names.emplace_back(*key, entry);
        std::string_view original = core::trim(v);
        if (std::size_t slash = original.find_last_of("/\\"); slash != std::string_view::npos)
            original = original.substr(slash + 1);
        if (original != *key) literal_names.emplace_back(std::string(original), entry);
        literal_ready.store(false);
    }
    return Added::added;
}

Found IndicatorSet::Impl::find_normal_domain(std::string_view host) const {
    if (!type_counts[type_slot(IndicatorType::domain)]) return {};
    // The host itself, then each parent that still has two labels.
    for (std::string_view h = host;;) {
        if (const Entry* e = lookup(std::uint8_t(IndicatorType::domain), h))
            return {&contexts[e->context], std::string(h)};
        std::size_t dot = h.find('.');
        if (dot == std::string_view::npos) return {};
        h.remove_prefix(dot + 1);
        if (h.find('.') == std::string_view::npos) return {};
    }
}

Found IndicatorSet::Impl::find_domain(std::string_view host) const {
    if (!type_counts[type_slot(IndicatorType::domain)]) return {};
    auto d = normalise_domain(refang(host));
    if (!d) return {};
    return find_normal_domain(*d);
}

Found IndicatorSet::Impl::find_url(std::string_view url) const {
    if (!type_counts[type_slot(IndicatorType::url)]) return {};
    auto u = normalise_url(refang(url));
    if (!u) return {};
    if (const Entry* e = lookup(std::uint8_t(IndicatorType::url), u->url))
        return {&contexts[e->context], u->url};
    return {};
}

Found IndicatorSet::Impl::find_normal_ip(const NormalIp& ip) const {
    if (!type_counts[type_slot(ip.type)]) return {};
    if (const Entry* e = lookup(std::uint8_t(ip.type), ip.text))
        return {&contexts[e->context], ip.text};
    bool v4 = ip.type == IndicatorType::ipv4;
    int bits = v4 ? 32 : 128;
    auto kind = std::uint8_t(v4 ? KeyKind::cidr4 : KeyKind::cidr6);
    // Longest prefix first; only the lengths some network uses are probed.
    for (int len = bits - 1; len >= 0; --len) {
        bool present =
            v4 ? (v4_prefixes >> len) & 1 : (v6_prefixes[std::size_t(len / 64)] >> (len % 64)) & 1;
        if (!present) continue;
        std::array<std::uint8_t, 16> net = ip.bytes;
        for (int b = len; b < bits; ++b)
            net[std::size_t(b / 8)] &= std::uint8_t(~(0x80 >> (b % 8)));
        std::string k(reinterpret_cast<const char*>(net.data()), v4 ? 4 : 16);
        k += char(len);
        if (const Entry* e = lookup(kind, k))
            return {&contexts[e->context], format_network(kind, net.data(), len)};
    }
    return {};
}

Found IndicatorSet::Impl::find_ip(std::string_view ip) const {
    auto n = normalise_ip(refang(ip), false);
    if (!n) return {};
    return find_normal_ip(*n);
}

Found IndicatorSet::Impl::find_email(std::string_view address) const {
    if (!type_counts[type_slot(IndicatorType::email)]) return {};
    auto a = normalise_email(refang(address));
    if (!a) return {};
    if (const Entry* e = lookup(std::uint8_t(IndicatorType::email), *a))
        return {&contexts[e->context], *a};
    return {};
}

Found IndicatorSet::Impl::find_hash(std::string_view hex) const {
    auto h = normalise_hash(hex);
    if (!h) return {};
    auto t = *hash_type(h->size());
    if (const Entry* e = lookup(std::uint8_t(t), *h)) return {&contexts[e->context], *h};
    return {};
}

Found IndicatorSet::Impl::find_file_name(std::string_view name) const {
    if (!type_counts[type_slot(IndicatorType::file_name)]) return {};
    auto n = normalise_file_name(name);
    if (!n) return {};
    if (const Entry* e = lookup(std::uint8_t(IndicatorType::file_name), *n))
        return {&contexts[e->context], *n};
    return {};
}

// ---- IndicatorSet -------------------------------------------------------------------

IndicatorSet::IndicatorSet() : impl_(std::make_unique<Impl>()) {}
IndicatorSet::~IndicatorSet() = default;
IndicatorSet::IndicatorSet(IndicatorSet&&) noexcept = default;
IndicatorSet& IndicatorSet::operator=(IndicatorSet&&) noexcept = default;

bool IndicatorSet::add(IndicatorType type, std::string_view value, const Context& context) {
    return impl_->add(type, value, impl_->intern(context)) != Impl::Added::invalid;
}

std::size_t IndicatorSet::size() const {
    return impl_->entries.size();
}

std::size_t IndicatorSet::count(IndicatorType type) const {
    return impl_->type_counts[type_slot(type)];
}

void IndicatorSet::for_each(
    IndicatorType type,
    const std::function<void(std::string_view value, const Context&)>& fn) const {
    for (const Entry& e : impl_->entries)
        if (e.kind == std::uint8_t(type)) fn(impl_->key_of(e), impl_->contexts[e.context]);
}

const Context* IndicatorSet::find_normalised(IndicatorType type, std::string_view value,
                                             std::string* matched) const {
    Found f;
    switch (type) {
        case IndicatorType::domain:
            f = impl_->find_normal_domain(value);
            break;
        case IndicatorType::ipv4:
        case IndicatorType::ipv6:
            if (auto ip = normalise_ip(value, false)) f = impl_->find_normal_ip(*ip);
            break;
        default:
            if (!has(type)) return nullptr;
            if (const Entry* e = impl_->lookup(std::uint8_t(type), value)) {
                f.context = &impl_->contexts[e->context];
                if (matched) f.indicator = std::string(value);
            }
    }
    if (f.context && matched) *matched = std::move(f.indicator);
    return f.context;
}

const Context* IndicatorSet::find_domain(std::string_view host, std::string* matched) const {
    Found f = impl_->find_domain(host);
    if (f.context && matched) *matched = f.indicator;
    return f.context;
}
const Context* IndicatorSet::find_url(std::string_view url) const {
    return impl_->find_url(url).context;
}
const Context* IndicatorSet::find_ip(std::string_view ip, std::string* matched) const {
    Found f = impl_->find_ip(ip);
    if (f.context && matched) *matched = f.indicator;
    return f.context;
}
const Context* IndicatorSet::find_email(std::string_view address) const {
    return impl_->find_email(address).context;
}
const Context* IndicatorSet::find_hash(std::string_view hex) const {
    return impl_->find_hash(hex).context;
}
const Context* IndicatorSet::find_file_name(std::string_view name) const {
    return impl_->find_file_name(name).context;
}

LoadReport IndicatorSet::load_file(const std::filesystem::path& path, std::string feed_name) {
    LoadReport report;
    if (feed_name.empty()) feed_name = path.stem().string();
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        report.problems.push_back("cannot read " + path.string() + ": " + ec.message());
        return report;
    }
    if (size > kMaxFeedBytes) {
        report.problems.push_back(path.string() + " is larger than 2 GiB");
        return report;
    }
    std::ifstream in(path, std::ios::binary);
    // Zeroed room after the bytes lets the JSON parser read them in place (no copy of a
    // 400 MB bundle).
    constexpr std::size_t kPadding = 64;
    std::string bytes(std::size_t(size) + kPadding, '\0');
    if (!in || !in.read(bytes.data(), std::streamsize(size))) {
        report.problems.push_back("cannot read " + path.string());
        return report;
    }
    impl_->padded_input = kPadding;
    report = load_text(std::string_view(bytes).substr(0, std::size_t(size)), std::move(feed_name));
    impl_->padded_input = 0;
    return report;
}

LoadReport IndicatorSet::load_text(std::string_view text, std::string feed_name) {
    std::string_view t = core::trim(text);
    if (t.size() >= 3 && t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
    if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
        // MISP events name their keys "Event" and "Attribute"; STIX has "objects"/"type".
        std::string_view head = t.substr(0, 65536);
        if (head.find("\"Event\"") != std::string_view::npos ||
            head.find("\"Attribute\"") != std::string_view::npos)
            return load_misp(t, std::move(feed_name));
        return load_stix(t, std::move(feed_name));
    }
    return load_list(text, std::move(feed_name));
}

}  // namespace kagami::detect::intel
