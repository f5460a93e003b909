// The direct path (direct_rows.h) against the general one: the same messages through two
// batch builders, one mapping straight into columns and one through JSON rows and
// ReadJsonRows, must give the same rows, delete flags and dead letters (reason and message).
#include "floe/stream/direct_rows.h"

#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/table.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "floe/iceberg/type/schema_text.h"
#include "floe/stream/stream_batch.h"

namespace floe::stream {
namespace {

constexpr const char* kMapping = R"(
columns:
  - {name: id, path: id, type: long, required: true}
  - {name: small, path: small, type: int}
  - {name: amount, path: "a.b/c+d", type: double, transform: strip_bytes_literal}
  - {name: ratio, path: ratio, type: double}
  - {name: flag, path: flag, type: boolean}
  - {name: name, path: name, type: string, transform: trim}
  - {name: shout, path: name, type: string, transform: upper}
  - {name: as_is, path: name, type: string}
  - {name: note, path: note, type: string, transform: [{default: none}, {null_if: "-"}]}
  - {name: count_text, path: count, type: string, transform: cast}
  - {name: at_us, path: at, type: timestamptz, transform: epoch_us}
  - {name: at_ms, path: at_ms, type: timestamptz, transform: [strip_bytes_literal, epoch_ms]}
  - {name: iso, path: iso, type: timestamptz}
  - {name: local, path: local, type: timestamp}
  - {name: parsed, path: day, type: timestamptz, transform: {parse_timestamp: "%Y-%m-%d %H:%M:%S"}}
  - {name: op, meta: _op}
  - {name: deleted, meta: _deleted}
  - {name: src_ts, meta: _source_ts_ms}
  - {name: _partition}
  - {name: _offset}
  - {name: _key}
  - {name: _timestamp}
  - {name: _topic}
key: id
)";

// Values each field takes in the random messages (the first two valid): JSON text, or empty
// for "leave it out".
const std::vector<std::vector<std::string>> kValues = {
    /*id*/ {"1", "-7", "\"42\"", "\"+5\"", "3.0", "2.5", "null", "", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "true", "[1]", "{\"x\":1}", "1e3",
            "123456789012345678", "-123456789012345678", "1234567890123456789",
            "\"-123456789012345678\"", "\"1234567890123456789\"", "\"+-5\"", "\"-\"",
            "\"12a\"", "-0"},
    /*small*/ {"1", "2147483647", "2147483648", "-2147483649", "\"12\"", "null", "", "1.0"},
    /*a.b/c+d*/ {"\"b'1138.0'\"", "\"b\\\"2.5\\\"\"", "\"1e5\"", "\"NaN\"", "\"nan\"",
                 "\"Infinity\"", "12", "1.25", "-0.0", "\"0x10\"", "\" 1\"", "\"b'x'\"", "null",
                 "1e400", "\"1e400\"", "4.9e-324", "\"\"", "", "\"b'123456789012345.5'\"",
                 "\"b'12345678901234.5'\"", "\"b'0.000000000000001'\"", "\"b'-12.50'\"",
                 "\"b'.5'\"", "\"b'5.'\"", "\"b'.'\"", "\"b'-'\"", "\"b'0.1'\"",
                 "\"b'9007199254740993'\"", "\"b'-0.0'\""},
    /*ratio*/ {"0.1", "3", "-2", "\"3.5\"", "\"+3.5\"", "1.7976931348623157e308", "true", "",
               "123456789012345678901", "\"-Infinity\"", "0.30000000000000004",
               "123456.789012345", "-0.5", "99999999999999.9", "0.000001", "\"7.25\""},
    /*flag*/ {"true", "false", "\"true\"", "\"TRUE\"", "\"yes\"", "1", "0", "null", ""},
    /*name*/ {"\"  Ada \"", "\"caf\\u00e9\"", "\"\\ud83d\\ude00 x\"", "\"tab\\tend\"", "\"\"",
              "12", "null", "", "\"\xc3\xa9t\xc3\xa9\"", "[\"a\"]"},
    /*note*/ {"\"-\"", "\"ok\"", "null", "", "5", "\"none\""},
    /*count*/ {"5", "\"5\"", "2.50", "true", "{\"a\": [1, 2]}", "null", ""},
    /*at*/ {"1762514972953131", "\"1762514972953131\"", "1762514972953131.7", "-1",
            "253402300800000000", "99999999999999999999", "\"x\"", "true", "null", ""},
    /*at_ms*/ {"\"b'1762514972953'\"", "1762514972953", "\"1762514972953\"", "\"b''\"", ""},
    /*iso*/ {"\"2026-01-02T03:04:05Z\"", "\"2026-01-02T03:04:05.123456789+02:00\"",
             "\"2026-01-02\"", "\"nope\"", "1700000000", "null", ""},
    /*local*/ {"\"2026-01-02T03:04:05\"", "null", "\"2026-01-02T03:04:05+01:00\"", ""},
    /*day*/ {"\"2026-03-04 05:06:07\"", "\"2026-03-04 05:06:07.5Z\"", "\"bad\"", "null", ""},
    /*__op*/ {"\"c\"", "\"u\"", "\"d\"", "\"r\"", "7", ""},
    /*__deleted*/ {"\"true\"", "\"false\"", "true", "false", "1", ""},
    /*__source_ts_ms*/ {"1762514972953", "\"1762514972953\"", "\" 12\"", "1.5", "\"x\"", ""},
};
const std::vector<std::string> kKeys = {"id",   "small", "a.b/c+d", "ratio", "flag", "name",
                                        "note", "count", "at",      "at_ms", "iso",  "local",
                                        "day",  "__op",  "__deleted", "__source_ts_ms"};

std::string RandomRecord(std::mt19937* rng, bool spaced) {
  std::string out = spaced ? "{ " : "{";
  bool first = true;
  for (size_t f = 0; f < kKeys.size(); ++f) {
    const auto& choices = kValues[f];
    // Mostly one of the first two (valid) values, so that plenty of rows come through.
    const size_t pick = (*rng)() % 10 != 0 ? (*rng)() % 2 : (*rng)() % choices.size();
    const std::string& v = choices[pick];
    if (v.empty()) continue;
    if (!first) out += spaced ? " ,\n " : ",";
    first = false;
    out += "\"" + kKeys[f] + "\"" + (spaced ? " : " : ":") + v;
  }
  return out + (spaced ? " }\n" : "}");
}

// Whole messages around the records: the forms Debezium sends and broken ones.
std::optional<std::string> RandomMessage(std::mt19937* rng) {
  const std::string record = RandomRecord(rng, (*rng)() % 4 == 0);
  switch ((*rng)() % 16) {
    case 0:
      return std::nullopt;  // tombstone
    case 1:
      return "{\"schema\":null,\"payload\":{\"before\":" + record + ",\"after\":null,"
             "\"op\":\"d\",\"source\":{\"ts_ms\":17},\"ts_ms\":18}}";
    case 2:
      return "{\"payload\":{\"before\":null,\"after\":" + record +
             ",\"op\":\"c\",\"source\":{\"db\":\"x\"},\"ts_ms\":\"19\"}}";
    case 3:
      return "{\"before\":null,\"after\":" + record + ",\"op\":\"u\",\"source\":{\"ts_ms\":20}}";
    case 4:
      return "{\"before\":null,\"after\":null,\"op\":\"c\"}";
    case 5:
      return "{\"after\":" + record + ",\"op\":1}";
    case 6:
      return record.substr(0, record.size() / 2);  // cut short
    case 7: {
      const char* others[] = {"[1,2]", "\"text\"", "12", "null", "true", "", "   ", "{} x",
                              "{\"a\":1,}", "\xEF\xBB\xBF{\"id\":3}", "{\"id\":4,\"id\":5}",
                              "{\"id\":\"\\ud800\"}", "{\"id\":6,\"name\":\"\xff\"}"};
      return std::string(others[(*rng)() % std::size(others)]);
    }
    default:
      return record;
  }
}

KafkaMessage Message(std::mt19937* rng, int64_t offset) {
  KafkaMessage m;
  m.topic = offset % 3 == 0 ? "rides" : "rides.eu";
  m.partition = static_cast<int32_t>(offset % 3);
  m.offset = offset;
  if (offset % 5 != 0) m.timestamp_ms = 1762514972000 + offset;
  if (offset % 7 == 1) {
    m.key = "\xff\xfe" + std::to_string(offset);  // not UTF-8
  } else if (offset % 7 != 0) {
    m.key = "k" + std::to_string(offset);
  }
  m.value = RandomMessage(rng);
  return m;
}

using Letter = std::tuple<int64_t, std::string, std::string>;

std::vector<Letter> Letters(const StreamBatch& b) {
  std::vector<Letter> out;
  for (const auto& l : b.dead_letters) out.emplace_back(l.offset, l.reason, l.error);
  std::sort(out.begin(), out.end());
  return out;
}

// The table with its dictionary-encoded columns decoded (the field keeps its metadata).
std::shared_ptr<arrow::Table> Decoded(const std::shared_ptr<arrow::Table>& table) {
  arrow::FieldVector fields = table->schema()->fields();
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns = table->columns();
  for (size_t c = 0; c < fields.size(); ++c) {
    if (fields[c]->type()->id() != arrow::Type::DICTIONARY) continue;
    // Every value of a dictionary is some row's (Parquet's statistics cover them all).
    for (const auto& chunk : columns[c]->chunks()) {
      const auto& encoded = static_cast<const arrow::DictionaryArray&>(*chunk);
      auto compact = encoded.Compact();
      EXPECT_TRUE(compact.ok());
      if (!compact.ok()) continue;
      EXPECT_EQ(static_cast<const arrow::DictionaryArray&>(**compact).dictionary()->length(),
                encoded.dictionary()->length())
          << fields[c]->name();
    }
    const auto& value_type =
        static_cast<const arrow::DictionaryType&>(*fields[c]->type()).value_type();
    auto cast = arrow::compute::Cast(columns[c], value_type);
    EXPECT_TRUE(cast.ok()) << cast.status().ToString();
    if (!cast.ok()) continue;
    columns[c] = cast->chunked_array();
    fields[c] = fields[c]->WithType(value_type);
  }
  return arrow::Table::Make(arrow::schema(fields, table->schema()->metadata()), columns);
}

// `dictionary_strings`: the direct path's string columns come dictionary-encoded (as for an
// appending Iceberg sink); decoded, they must hold the general path's values.
void ExpectSameAsTheGeneralPath(bool dictionary_strings) {
  auto mapping = StreamMapping::Parse(kMapping, "mapping.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto schema = mapping->TableSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto shared = std::make_shared<const iceberg::Schema>(*schema);
  BatchBuilder general(&*mapping, shared);
  BatchBuilder direct(&*mapping, shared);
  direct.EnableDirectRows(dictionary_strings);
  ASSERT_TRUE(direct.direct());
  ASSERT_FALSE(general.direct());
  int dictionary_columns = 0;

  std::mt19937 rng(20261202);
  int64_t offset = 0;
  int64_t rows = 0, letters = 0;
  for (int batch = 0; batch < 6; ++batch) {
    // The first batch long enough for _key's distinct values to outgrow a dictionary.
    const int messages = batch == 0 ? 4000 : 1500;
    for (int i = 0; i < messages; ++i, ++offset) {
      auto m = Message(&rng, offset);
      general.Add(m);
      direct.Add(m);
    }
    if (batch == 3) {  // a partition revoked mid-batch: its rows so far are dropped
      general.DropPartitions({{"rides.eu", 1}});
      direct.DropPartitions({{"rides.eu", 1}});
    }
    auto g = general.Finish();
    auto d = direct.Finish();
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_EQ(g->rows == nullptr, d->rows == nullptr);
    if (g->rows) {
      for (const auto& f : d->rows->schema()->fields()) {
        dictionary_columns += f->type()->id() == arrow::Type::DICTIONARY;
      }
      auto gt = g->rows->CombineChunks();
      auto dt = Decoded(d->rows)->CombineChunks();
      ASSERT_TRUE(gt.ok() && dt.ok());
      ASSERT_TRUE((*gt)->schema()->Equals(*(*dt)->schema(), /*check_metadata=*/true))
          << (*gt)->schema()->ToString(true) << "\nvs\n" << (*dt)->schema()->ToString(true);
      const auto same = arrow::EqualOptions::Defaults().nans_equal(true).signed_zeros_equal(false);
      for (int c = 0; c < (*gt)->num_columns(); ++c) {
        auto ga = (*gt)->column(c)->chunk(0), da = (*dt)->column(c)->chunk(0);
        if (ga->Equals(*da, same)) continue;
        for (int64_t r = 0; r < std::min(ga->length(), da->length()); ++r) {
          if (!ga->RangeEquals(*da, r, r + 1, r, same)) {
            ADD_FAILURE() << "batch " << batch << " column " << (*gt)->field(c)->name()
                          << " row " << r << ": general " << ga->GetScalar(r)->get()->ToString()
                          << ", direct " << da->GetScalar(r)->get()->ToString();
            break;
          }
        }
      }
      rows += (*gt)->num_rows();
    }
    EXPECT_EQ(g->deletes, d->deletes);
    EXPECT_EQ(g->messages, d->messages);
    EXPECT_EQ(g->tombstones, d->tombstones);
    EXPECT_EQ(g->next, d->next);
    EXPECT_EQ(g->dead_letters_by_reason, d->dead_letters_by_reason);
    auto gl = Letters(*g), dl = Letters(*d);
    std::vector<Letter> only_g, only_d;
    std::set_difference(gl.begin(), gl.end(), dl.begin(), dl.end(), std::back_inserter(only_g));
    std::set_difference(dl.begin(), dl.end(), gl.begin(), gl.end(), std::back_inserter(only_d));
    for (size_t i = 0; i < std::min<size_t>(only_g.size(), 8); ++i) {
      ADD_FAILURE() << "general only: " << std::get<0>(only_g[i]) << " " << std::get<1>(only_g[i])
                    << ": " << std::get<2>(only_g[i]);
    }
    for (size_t i = 0; i < std::min<size_t>(only_d.size(), 8); ++i) {
      ADD_FAILURE() << "direct only: " << std::get<0>(only_d[i]) << " " << std::get<1>(only_d[i])
                    << ": " << std::get<2>(only_d[i]);
    }
    letters += static_cast<int64_t>(g->dead_letters.size());
  }
  // The corpus reaches both outcomes plenty (not a comparison of empty batches).
  EXPECT_GT(rows, 1000);
  EXPECT_GT(letters, 1000);
  // Seven of the eight string columns take a few values each: encoded in all six batches.
  // _key, one value per message, goes plain part way through the first batch and stays so.
  EXPECT_EQ(dictionary_columns, dictionary_strings ? 6 * 7 : 0);
}

TEST(DirectRowsTest, SameRowsAndDeadLettersAsTheGeneralPath) {
  ExpectSameAsTheGeneralPath(/*dictionary_strings=*/false);
}

TEST(DirectRowsTest, DictionaryEncodedStringsHoldTheGeneralPathsValues) {
  ExpectSameAsTheGeneralPath(/*dictionary_strings=*/true);
}

TEST(DirectRowsTest, MappingsTheGeneralPathKeeps) {
  auto schema_of = [](const StreamMapping& m) { return *m.TableSchema(); };
  for (const char* yaml : {
           "columns:\n  - {name: city, path: [address, city], type: string}\n",
           "columns:\n  - {name: price, path: price, type: \"decimal(9, 2)\"}\n",
           "columns:\n  - {name: tags, path: tags, type: \"list<string>\"}\n",
           "columns:\n  - {name: day, path: day, type: date}\n",
       }) {
    auto mapping = StreamMapping::Parse(yaml, "m.yaml");
    ASSERT_TRUE(mapping.ok()) << yaml << mapping.status().ToString();
    EXPECT_EQ(DirectRows::Make(*mapping, schema_of(*mapping)), nullptr) << yaml;
  }
  auto mapping = StreamMapping::Parse("columns:\n  - {name: a, path: a, type: long}\n", "m.yaml");
  ASSERT_TRUE(mapping.ok());
  EXPECT_NE(DirectRows::Make(*mapping, schema_of(*mapping)), nullptr);
  // A table column the mapping does not fill is fine when optional, not when required.
  auto wider = iceberg::ParseSchemaText("a long, b string");
  ASSERT_TRUE(wider.ok());
  EXPECT_NE(DirectRows::Make(*mapping, *wider), nullptr);
  auto required = iceberg::ParseSchemaText("a long, b string not null");
  ASSERT_TRUE(required.ok());
  EXPECT_EQ(DirectRows::Make(*mapping, *required), nullptr);
}

}  // namespace
}  // namespace floe::stream
