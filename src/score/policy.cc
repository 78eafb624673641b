#include "score/policy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "core/bundled.h"
#include "kagami/finding.h"

namespace kagami::score {
namespace {

std::string where(const toml::node& n) {
    const auto& s = n.source();
    return "line " + std::to_string(s.begin.line);
}

// Reads a list of strings, or one string as a list of one.
bool strings_of(const toml::node& n, std::vector<std::string>& out, std::string* error,
                std::string_view what) {
    if (auto s = n.value<std::string>()) {
        out.push_back(*s);
        return true;
    }
    const auto* arr = n.as_array();
    if (!arr) {
        *error = std::string(what) + " must be a string or a list of strings (" + where(n) + ")";
        return false;
    }
    for (const auto& e : *arr) {
        auto s = e.value<std::string>();
        if (!s) {
            *error = std::string(what) + " must hold strings only (" + where(e) + ")";
            return false;
        }
        out.push_back(*s);
    }
    return true;
}

bool number_of(const toml::node& n, double& out) {
    if (auto d = n.value<double>()) {
        out = *d;
        return true;
    }
    return false;
}

}  // namespace

std::shared_ptr<const Policy> Policy::parse(std::string_view text, std::string* error,
                                            const Policy* base) {
    std::string ignored;
    if (!error) error = &ignored;
    toml::table doc;
    try {
        doc = toml::parse(text);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << e.description() << " (line " << e.source().begin.line << ")";
        *error = msg.str();
        return nullptr;
    }
    auto policy = std::make_shared<Policy>(base ? *base : Policy{});

    for (const auto& [key, node] : doc) {
        if (key != "thresholds" && key != "weights" && key != "groups" && key != "caps" &&
            key != "combinations" && key != "default_weight") {
            *error = "unknown key \"" + std::string(key.str()) + "\" (" + where(node) + ")";
            return nullptr;
        }
    }
    if (const auto* n = doc.get("default_weight")) {
        if (!number_of(*n, policy->default_weight_)) {
            *error = "default_weight must be a number (" + where(*n) + ")";
            return nullptr;
        }
    }
    if (const auto* t = doc["thresholds"].as_table()) {
        for (const auto& [key, node] : *t) {
            double v = 0;
            if (!number_of(node, v)) {
                *error = "thresholds." + std::string(key.str()) + " must be a number (" +
                         where(node) + ")";
                return nullptr;
            }
            if (key == "suspicious")
                policy->thresholds_.suspicious = v;
            else if (key == "malicious")
                policy->thresholds_.malicious = v;
            else {
                *error =
                    "unknown threshold \"" + std::string(key.str()) + "\" (" + where(node) + ")";
                return nullptr;
            }
        }
    }
    if (policy->thresholds_.malicious < policy->thresholds_.suspicious) {
        *error = "thresholds: malicious is below suspicious";
        return nullptr;
    }
    if (const auto* w = doc["weights"].as_table()) {
        for (const auto& [key, node] : *w) {
            double v = 0;
            if (!number_of(node, v)) {
                *error = "weight of \"" + std::string(key.str()) + "\" must be a number (" +
                         where(node) + ")";
                return nullptr;
            }
            policy->weights_[std::string(key.str())] = v;
        }
    }
    if (const auto* g = doc["groups"].as_table()) {
        for (const auto& [key, node] : *g) {
            std::vector<std::string> patterns;
            if (!strings_of(node, patterns, error, "group " + std::string(key.str())))
                return nullptr;
            policy->groups_[std::string(key.str())] = std::move(patterns);
        }
    }
    if (const auto* caps = doc["caps"].as_table()) {
        for (const auto& [key, node] : *caps) {
            double v = 0;
            if (!number_of(node, v) || v < 0) {
                *error = "cap of group " + std::string(key.str()) +
                         " must be a number of at least 0 (" + where(node) + ")";
                return nullptr;
            }
            policy->caps_[std::string(key.str())] = v;
        }
    }
    if (const auto* combos = doc["combinations"].as_array()) {
        for (const auto& node : *combos) {
            const auto* t = node.as_table();
            auto id = t ? (*t)["id"].value<std::string>() : std::nullopt;
            if (!id || id->empty()) {
                *error = "a combination needs an id (" + where(node) + ")";
                return nullptr;
            }
            Combination c;
            c.id = *id;
            c.title = (*t)["title"].value_or(std::string("Findings that together weigh more"));
            const auto* when = (*t)["when"].as_array();
            if (!when || when->empty()) {
                *error = "combination " + c.id + " needs a non-empty \"when\" list (" +
                         where(node) + ")";
                return nullptr;
            }
            for (const auto& clause : *when) {
                std::vector<std::string> any;
                if (!strings_of(clause, any, error, "combination " + c.id + " clause"))
                    return nullptr;
                c.all_of.push_back(std::move(any));
            }
            if (const auto* w = t->get("weight"); !w || !number_of(*w, c.weight)) {
                *error = "combination " + c.id + " needs a numeric weight (" + where(node) + ")";
                return nullptr;
            }
            c.attack = split_attack((*t)["attack"].value_or(std::string()));
            auto same = [&](const Combination& o) { return o.id == c.id; };
            auto it =
                std::find_if(policy->combinations_.begin(), policy->combinations_.end(), same);
            if (it != policy->combinations_.end())
                *it = std::move(c);
            else
                policy->combinations_.push_back(std::move(c));
        }
    }
    for (const auto& [group, cap] : policy->caps_)
        if (!policy->groups_.count(group)) {
            *error = "caps names an unknown group " + group;
            return nullptr;
        }
    // Every @group a combination names must exist, or the combination silently never fires.
    for (const auto& c : policy->combinations_)
        for (const auto& clause : c.all_of)
            for (const auto& p : clause)
                if (p.starts_with('@') && !policy->groups_.count(p.substr(1))) {
                    *error = "combination " + c.id + " names an unknown group " + p;
                    return nullptr;
                }
    return policy;
}

std::shared_ptr<const Policy> Policy::bundled() {
    static const std::shared_ptr<const Policy> policy = [] {
        std::string error;
        auto p = parse(bundled::file("data/scores.toml"), &error);
        // The bundled file is tested; reaching this is a build defect, not bad input.
        if (!p) throw std::runtime_error("bundled data/scores.toml: " + error);
        return p;
    }();
    return policy;
}

bool Policy::matches(std::string_view pattern, std::string_view id) const {
    if (pattern == "*" || pattern == id) return true;
    if (pattern.starts_with('@')) {
        auto g = groups_.find(pattern.substr(1));
        if (g == groups_.end()) return false;
        for (const auto& p : g->second)
            if (!p.starts_with('@') && matches(p, id)) return true;
        return false;
    }
    if (pattern.size() >= 2 && pattern.ends_with(".*"))
        return id.size() > pattern.size() - 1 &&
               id.starts_with(pattern.substr(0, pattern.size() - 1));
    if (pattern.size() >= 2 && pattern.starts_with("*."))
        return id.size() > pattern.size() - 1 && id.ends_with(pattern.substr(1));
    return false;
}

double Policy::weight_of(std::string_view id) const {
    if (auto it = weights_.find(id); it != weights_.end()) return it->second;
    // The most specific pattern wins: the longest one that matches.
    const std::string* best = nullptr;
    double weight = default_weight_;
    for (const auto& [pattern, w] : weights_) {
        if (pattern.find('*') == std::string::npos || !matches(pattern, id)) continue;
        if (!best || pattern.size() > best->size()) {
            best = &pattern;
            weight = w;
        }
    }
    return weight;
}

bool Policy::has_weight(std::string_view id) const {
    if (weights_.count(id)) return true;
    for (const auto& [pattern, w] : weights_)
        if (pattern.find('*') != std::string::npos && matches(pattern, id)) return true;
    return false;
}

}  // namespace kagami::score
