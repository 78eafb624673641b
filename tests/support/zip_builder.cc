#include "support/zip_builder.h"

#include <array>

namespace kagami::test::zip {
namespace {

void put16(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

}  // namespace

std::uint32_t crc32(std::string_view data) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

Builder& Builder::add(std::string name, std::string data) {
    Item item;
    item.name = std::move(name);
    item.data = std::move(data);
    return add(std::move(item));
}

Builder& Builder::add(Item item) {
    items_.push_back(std::move(item));
    return *this;
}

Builder& Builder::comment(std::string text) {
    comment_ = std::move(text);
    return *this;
}

Builder& Builder::alias(std::string name, std::size_t target) {
    aliases_.emplace_back(std::move(name), target);
    return *this;
}

Builder& Builder::shift_directory(std::uint32_t delta) {
    shift_ = delta;
    return *this;
}

Builder& Builder::prefix(std::string bytes) {
    prefix_ = std::move(bytes);
    return *this;
}

std::string Builder::build() const {
    std::string out = prefix_;
    std::vector<std::uint32_t> offsets;
    for (const auto& it : items_) {
        const std::string& body = it.method == 0 ? it.data : it.packed;
        // Offsets count from the archive's start, as after `cat stub a.zip`.
        offsets.push_back(static_cast<std::uint32_t>(out.size() - prefix_.size()));
        out += "PK\x03\x04";
        put16(out, 20);
        put16(out, it.utf8_flag ? 0x0800 : 0);
        put16(out, it.method);
        put16(out, 0);       // time
        put16(out, 0x5A21);  // date: 2025-01-01
        put32(out, crc32(it.data));
        put32(out, static_cast<std::uint32_t>(body.size()));
        put32(out, static_cast<std::uint32_t>(it.data.size()));
        put16(out, static_cast<std::uint32_t>(it.name.size()));
        put16(out, 0);
        out += it.name;
        out += body;
    }
    auto record = [&](const Item& it, const std::string& name, std::uint32_t offset) {
        const std::string& body = it.method == 0 ? it.data : it.packed;
        out += "PK\x01\x02";
        put16(out, 20);
        put16(out, 20);
        put16(out, it.utf8_flag ? 0x0800 : 0);
        put16(out, it.method);
        put16(out, 0);
        put16(out, 0x5A21);
        put32(out, crc32(it.data));
        put32(out, it.cd_packed.value_or(static_cast<std::uint32_t>(body.size())));
        put32(out, it.cd_size.value_or(static_cast<std::uint32_t>(it.data.size())));
        put16(out, static_cast<std::uint32_t>(name.size()));
        put16(out, 0);  // extra
        put16(out, 0);  // comment
        put16(out, 0);  // disk
        put16(out, 0);  // internal attributes
        put32(out, 0);  // external attributes
        put32(out, offset);
        out += name;
    };
    auto cd_start = static_cast<std::uint32_t>(out.size());
    std::size_t records = 0;
    for (std::size_t i = 0; i < items_.size(); ++i, ++records)
        record(items_[i], items_[i].name, offsets[i]);
    for (const auto& [name, target] : aliases_) {
        if (target >= items_.size()) continue;
        record(items_[target], name, offsets[target]);
        ++records;
    }
    auto cd_size = static_cast<std::uint32_t>(out.size() - cd_start);
    out += "PK\x05\x06";
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(records));
    put16(out, static_cast<std::uint32_t>(records));
    put32(out, cd_size);
    put32(out, cd_start - static_cast<std::uint32_t>(prefix_.size()) + shift_);
    put16(out, static_cast<std::uint32_t>(comment_.size()));
    out += comment_;
    return out;
}

}  // namespace kagami::test::zip
