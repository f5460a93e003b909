#include "floe/iceberg/data/json_node_internal.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace floe::iceberg::internal {
namespace {

// Deeper JSON is refused while parsing: converting and destroying nodes recurse, and must not
// run away on hostile input.
constexpr int kMaxDepth = 256;

// Builds a JsonNode tree from nlohmann's SAX events (its DOM would turn numbers into doubles).
class NodeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit NodeBuilder(JsonNode* root) : root_(root) {}

  bool null() override { return Put(JsonNode::Kind::kNull) != nullptr; }
  bool boolean(bool value) override {
    JsonNode* node = Put(JsonNode::Kind::kBool);
    if (node != nullptr) node->boolean = value;
    return node != nullptr;
  }
  bool number_integer(number_integer_t value) override { return Number(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Number(std::to_string(value)); }
  bool number_float(number_float_t, const string_t& text) override { return Number(text); }
  bool string(string_t& value) override {
    JsonNode* node = Put(JsonNode::Kind::kString);
    if (node != nullptr) node->text = std::move(value);
    return node != nullptr;
  }
  bool binary(binary_t&) override { return false; }  // not part of JSON text
  bool start_object(std::size_t) override { return Open(JsonNode::Kind::kObject); }
  bool key(string_t& key) override {
    auto& members = open_.back()->members;
    auto same = std::find_if(members.begin(), members.end(),
                             [&](const auto& member) { return member.first == key; });
    if (same == members.end()) {
      members.emplace_back(std::move(key), JsonNode());
      slot_ = &members.back().second;
    } else {
      same->second = JsonNode();  // a repeated key: the last value wins
      slot_ = &same->second;
    }
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(JsonNode::Kind::kArray); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) override {
    error_ = "not valid JSON at byte " + std::to_string(position > 0 ? position : 1);
    std::string what = error.what();
    if (auto colon = what.rfind(": "); colon != std::string::npos) {
      error_ += " (" + what.substr(colon + 2) + ")";
    }
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  // The node the next value fills: the root, the next array item or the keyed member.
  JsonNode* Put(JsonNode::Kind kind) {
    JsonNode* node = nullptr;
    if (open_.empty()) {
      node = root_;
    } else if (open_.back()->kind == JsonNode::Kind::kArray) {
      open_.back()->items.emplace_back();
      node = &open_.back()->items.back();
    } else {
      node = slot_;
    }
    node->kind = kind;
    return node;
  }
  bool Number(std::string text) {
    JsonNode* node = Put(JsonNode::Kind::kNumber);
    node->text = std::move(text);
    return true;
  }
  // Containers stay put while open: values are only added to the innermost one.
  bool Open(JsonNode::Kind kind) {
    if (open_.size() >= kMaxDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    open_.push_back(Put(kind));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }

  JsonNode* root_;
  JsonNode* slot_ = nullptr;
  std::vector<JsonNode*> open_;
  std::string error_;
};

}  // namespace

std::optional<std::string> ParseJsonNode(std::string_view text, JsonNode* out) {
  *out = JsonNode();
  NodeBuilder sax(out);
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &sax)) return std::nullopt;
  return sax.error().empty() ? "not valid JSON" : sax.error();
}

std::string DescribeJsonNode(const JsonNode& node) {
  constexpr size_t kMaxShown = 40;
  auto shown = [&](const std::string& text) {
    return text.size() <= kMaxShown ? text : text.substr(0, kMaxShown) + "…";
  };
  switch (node.kind) {
    case JsonNode::Kind::kNull:
      return "null";
    case JsonNode::Kind::kBool:
      return node.boolean ? "true" : "false";
    case JsonNode::Kind::kNumber:
      return "number " + shown(node.text);
    case JsonNode::Kind::kString:
      return "string \"" + shown(node.text) + "\"";
    case JsonNode::Kind::kArray:
      return "an array";
    case JsonNode::Kind::kObject:
      return "an object";
  }
  return "";
}

}  // namespace floe::iceberg::internal
