#include "floe/io/s3/s3_file_io.h"

#include <cerrno>
#include <cstdlib>
#include <mutex>

#include <arrow/filesystem/s3fs.h>
#include <arrow/io/interfaces.h>
#include <arrow/util/async_generator.h>
#include <arrow/util/io_util.h>

#include "floe/io/location.h"
#include "floe/util/properties.h"

namespace floe::io {
namespace {

// --- one AWS SDK per process ----------------------------------------------------------------

void FinalizeAtExit() { (void)arrow::fs::EnsureS3Finalized(); }

// Exit handlers and static destructors run in the reverse order of their registration: this
// handler, registered once the first S3 client exists, runs before the destructors of the
// statics Arrow and the SDK made up to then (the client finalizer, the endpoint cache), which
// FinalizeS3 still uses. S3 clients still alive then are shut down by Arrow.
void FinalizeS3AtExit() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(FinalizeAtExit); });
}

arrow::Status EnsureS3() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    arrow::fs::S3GlobalOptions options = arrow::fs::S3GlobalOptions::Defaults();
    // A peer closing a connection must fail that request, not kill the process.
    options.install_sigpipe_handler = true;
    status = arrow::fs::InitializeS3(options);
  });
  return status;
}

// --- configuration ----------------------------------------------------------------------------

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

struct S3Config {
  std::string endpoint_scheme = "https";
  std::string endpoint;  // host[:port][/path], empty for AWS's
  std::string region;
  std::string access_key, secret_key, session_token;
  std::string role_arn, role_session_name;
  bool virtual_addressing = false;
  double connect_timeout = -1, request_timeout = -1;
};

arrow::Result<double> Seconds(const FileIOProperties& p, const std::string& key) {
  std::string v = util::StringProperty(p, key);
  if (v.empty()) return -1.0;
  char* end = nullptr;
  double s = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !(s > 0)) {
    return arrow::Status::Invalid("property ", key, "=", v,
                                  " is not a positive number of seconds");
  }
  return s;
}

arrow::Result<S3Config> ReadConfig(const FileIOProperties& p) {
  S3Config c;
  std::string endpoint = util::StringProperty(p, "s3.endpoint");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL");
  if (!endpoint.empty()) {
    auto sep = endpoint.find("://");
    if (sep != std::string::npos) {
      c.endpoint_scheme = endpoint.substr(0, sep);
      endpoint = endpoint.substr(sep + 3);
      if (c.endpoint_scheme != "http" && c.endpoint_scheme != "https") {
        return arrow::Status::Invalid("S3 endpoint ", c.endpoint_scheme, "://", endpoint,
                                      ": the scheme must be http or https");
      }
    }
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    c.endpoint = endpoint;
  }
  c.region = util::StringProperty(p, "s3.region", util::StringProperty(p, "client.region"));
  // PyIceberg's `client.*` keys are the fallback for every AWS client, S3 included.
  c.access_key = util::StringProperty(p, "s3.access-key-id",
                                      util::StringProperty(p, "client.access-key-id"));
  c.secret_key = util::StringProperty(p, "s3.secret-access-key",
                                      util::StringProperty(p, "client.secret-access-key"));
  c.session_token = util::StringProperty(p, "s3.session-token",
                                         util::StringProperty(p, "client.session-token"));
  if (c.access_key.empty() != c.secret_key.empty()) {
    return arrow::Status::Invalid(
        "S3 credentials need both s3.access-key-id and s3.secret-access-key (or neither, for "
        "the default AWS credential chain)");
  }
  c.role_arn = util::StringProperty(p, "s3.role-arn");
  c.role_session_name = util::StringProperty(p, "s3.role-session-name");
  ARROW_ASSIGN_OR_RAISE(bool path_style,
                        util::BoolProperty(p, "s3.path-style-access", !c.endpoint.empty()));
  // Arrow addresses buckets by path whenever an endpoint is set, virtually otherwise (AWS
  // itself no longer accepts path-style for new buckets).
  c.virtual_addressing = !path_style && !c.endpoint.empty();
  ARROW_ASSIGN_OR_RAISE(c.connect_timeout, Seconds(p, "s3.connect-timeout"));
  ARROW_ASSIGN_OR_RAISE(c.request_timeout, Seconds(p, "s3.request-timeout"));
  return c;
}

arrow::fs::S3Options MakeOptions(const S3Config& c) {
  arrow::fs::S3Options o;
  if (!c.role_arn.empty()) {
    o = arrow::fs::S3Options::FromAssumeRole(c.role_arn, c.role_session_name);
  } else if (!c.access_key.empty()) {
    o = arrow::fs::S3Options::FromAccessKey(c.access_key, c.secret_key, c.session_token);
  } else {
    o = arrow::fs::S3Options::Defaults();
  }
  o.region = c.region;
  o.scheme = c.endpoint_scheme;
  o.endpoint_override = c.endpoint;
  o.force_virtual_addressing = c.virtual_addressing;
  o.connect_timeout = c.connect_timeout;
  o.request_timeout = c.request_timeout;
  // Buckets are the operator's to create; folders do not exist on S3, so none are made.
  o.allow_bucket_creation = false;
  o.allow_bucket_deletion = false;
  o.check_directory_existence_before_creation = false;
  // A small object is one PUT at Close instead of a one-part multipart upload; failures of a
  // missing bucket then show at Close, which every writer checks.
  o.allow_delayed_open = true;
  o.background_writes = true;
  return o;
}

// --- locations ---------------------------------------------------------------------------------

struct S3Location {
  ParsedLocation parsed;
  std::string path;  // Arrow's form: bucket/key
};

arrow::Result<S3Location> ToS3(const std::string& location) {
  S3Location out;
  ARROW_ASSIGN_OR_RAISE(out.parsed, ParseLocation(location));
  if (out.parsed.kind != StorageKind::kS3) {
    return arrow::Status::Invalid("not an S3 location: ", location);
  }
  out.path = out.parsed.bucket;
  std::string key = out.parsed.key;
  while (!key.empty() && key.back() == '/') key.pop_back();
  if (!key.empty()) out.path += "/" + key;
  return out;
}

bool IsNotFound(const arrow::Status& st) {
  return arrow::internal::ErrnoFromStatus(st) == ENOENT;
}

}  // namespace

S3FileIO::S3FileIO(std::shared_ptr<arrow::fs::S3FileSystem> fs, std::vector<std::string> secrets)
    : fs_(std::move(fs)), secrets_(std::move(secrets)) {}

S3FileIO::~S3FileIO() = default;

arrow::Status S3FileIO::ValidateProperties(const FileIOProperties& properties) {
  return ReadConfig(properties).status();
}

arrow::Result<std::unique_ptr<S3FileIO>> S3FileIO::Make(const FileIOProperties& properties) {
  ARROW_ASSIGN_OR_RAISE(S3Config config, ReadConfig(properties));
  std::vector<std::string> secrets;
  for (const auto* s : {&config.secret_key, &config.session_token}) {
    if (!s->empty()) secrets.push_back(*s);
  }
  auto scrub = [&](const arrow::Status& st) {
    std::string msg = st.message();
    for (const auto& s : secrets) {
      for (size_t at; (at = msg.find(s)) != std::string::npos;) msg.replace(at, s.size(), "***");
    }
    return arrow::Status(st.code(), msg);
  };
  ARROW_RETURN_NOT_OK(EnsureS3());
  auto fs = arrow::fs::S3FileSystem::Make(MakeOptions(config));
  if (!fs.ok()) return arrow::Status::IOError("cannot configure S3: ", scrub(fs.status()).message());
  FinalizeS3AtExit();
  return std::unique_ptr<S3FileIO>(new S3FileIO(std::move(*fs), std::move(secrets)));
}

arrow::Status S3FileIO::Scrub(const arrow::Status& status) const {
  if (status.ok() || secrets_.empty()) return status;
  std::string msg = status.message();
  for (const auto& s : secrets_) {
    for (size_t at; (at = msg.find(s)) != std::string::npos;) msg.replace(at, s.size(), "***");
  }
  return status.WithMessage(msg);
}

arrow::Status S3FileIO::Fail(const char* action, const std::string& location,
                             const arrow::Status& status) const {
  arrow::Status st = Scrub(status);
  return st.WithMessage("cannot ", action, " ", location, ": ", st.message());
}

arrow::Result<std::string> S3FileIO::ReadAll(const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(auto file, OpenInput(location));
  auto size = file->GetSize();
  if (!size.ok()) return Fail("read", location, size.status());
  std::string out(static_cast<size_t>(*size), '\0');
  auto got = file->ReadAt(0, *size, out.data());
  if (!got.ok()) return Fail("read", location, got.status());
  if (*got != *size) return arrow::Status::IOError("short read of ", location);
  return out;
}

arrow::Status S3FileIO::WriteAll(const std::string& location, std::string_view data) {
  ARROW_ASSIGN_OR_RAISE(auto out, OpenOutput(location));
  arrow::Status st = out->Write(data.data(), static_cast<int64_t>(data.size()));
  if (!st.ok()) {
    (void)out->Abort();
    return st;
  }
  return out->Close();
}

namespace {
// Every error of a stream names the object; secrets are blanked out.
class NamedS3OutputStream final : public arrow::io::OutputStream {
 public:
  NamedS3OutputStream(std::shared_ptr<arrow::io::OutputStream> out, std::string location,
                      std::function<arrow::Status(const char*, const arrow::Status&)> fail)
      : out_(std::move(out)), location_(std::move(location)), fail_(std::move(fail)) {}

  arrow::Status Write(const void* data, int64_t nbytes) override {
    return Check("write", out_->Write(data, nbytes));
  }
  arrow::Status Write(const std::shared_ptr<arrow::Buffer>& data) override {
    return Check("write", out_->Write(data));
  }
  arrow::Status Flush() override { return Check("write", out_->Flush()); }
  arrow::Status Close() override { return Check("write", out_->Close()); }
  arrow::Status Abort() override { return Check("abort the upload of", out_->Abort()); }
  arrow::Result<int64_t> Tell() const override { return out_->Tell(); }
  bool closed() const override { return out_->closed(); }

 private:
  arrow::Status Check(const char* action, const arrow::Status& st) {
    return st.ok() ? st : fail_(action, st);
  }
  std::shared_ptr<arrow::io::OutputStream> out_;
  std::string location_;
  std::function<arrow::Status(const char*, const arrow::Status&)> fail_;
};

// Reads whose errors name the object; the metadata of the HEAD stays readable (ETag).
class NamedS3InputFile final : public arrow::io::RandomAccessFile {
 public:
  NamedS3InputFile(std::shared_ptr<arrow::io::RandomAccessFile> in,
                   std::function<arrow::Status(const arrow::Status&)> fail)
      : in_(std::move(in)), fail_(std::move(fail)) {}

  arrow::Status Close() override { return in_->Close(); }
  bool closed() const override { return in_->closed(); }
  arrow::Result<int64_t> Tell() const override { return in_->Tell(); }
  arrow::Status Seek(int64_t position) override { return Check(in_->Seek(position)); }
  arrow::Result<int64_t> GetSize() override { return Check(in_->GetSize()); }
  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override {
    return Check(in_->Read(nbytes, out));
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override {
    return Check(in_->Read(nbytes));
  }
  arrow::Result<int64_t> ReadAt(int64_t position, int64_t nbytes, void* out) override {
    return Check(in_->ReadAt(position, nbytes, out));
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> ReadAt(int64_t position,
                                                       int64_t nbytes) override {
    return Check(in_->ReadAt(position, nbytes));
  }
  arrow::Result<std::shared_ptr<const arrow::KeyValueMetadata>> ReadMetadata() override {
    return in_->ReadMetadata();
  }

 private:
  arrow::Status Check(const arrow::Status& st) { return st.ok() ? st : fail_(st); }
  template <typename T>
  arrow::Result<T> Check(arrow::Result<T> r) {
    if (r.ok()) return r;
    return fail_(r.status());
  }
  std::shared_ptr<arrow::io::RandomAccessFile> in_;
  std::function<arrow::Status(const arrow::Status&)> fail_;
};
}  // namespace

arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> S3FileIO::OpenInput(
    const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(S3Location loc, ToS3(location));
  auto in = fs_->OpenInputFile(loc.path);
  if (!in.ok()) {
    if (IsNotFound(in.status())) {
      return arrow::Status::IOError("cannot open ", location, ": no such object");
    }
    return Fail("open", location, in.status());
  }
  return std::make_shared<NamedS3InputFile>(
      std::move(*in), [this, location](const arrow::Status& st) { return Fail("read", location, st); });
}

arrow::Result<std::shared_ptr<arrow::io::OutputStream>> S3FileIO::OpenOutput(
    const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(S3Location loc, ToS3(location));
  if (loc.parsed.key.empty() || loc.parsed.key.back() == '/') {
    return arrow::Status::Invalid("cannot write ", location, ": not an object key");
  }
  auto out = fs_->OpenOutputStream(loc.path, /*metadata=*/{});
  if (!out.ok()) return Fail("create", location, out.status());
  return std::make_shared<NamedS3OutputStream>(
      std::move(*out), location,
      [this, location](const char* action, const arrow::Status& st) {
        return Fail(action, location, st);
      });
}

arrow::Result<bool> S3FileIO::Exists(const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(S3Location loc, ToS3(location));
  auto info = fs_->GetFileInfo(loc.path);
  if (!info.ok()) return Fail("look up", location, info.status());
  return info->type() != arrow::fs::FileType::NotFound;
}

arrow::Status S3FileIO::Delete(const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(S3Location loc, ToS3(location));
  if (loc.parsed.key.empty()) return arrow::Status::OK();  // a bucket is never deleted
  arrow::Status st = fs_->DeleteFile(loc.path);
  // A missing object, or a prefix (what a folder is here): nothing to delete.
  if (st.ok() || IsNotFound(st)) {
    return arrow::Status::OK();
  }
  return Fail("delete", location, st);
}

arrow::Status S3FileIO::DeleteFiles(const std::vector<std::string>& locations) {
  arrow::Status first;
  for (const auto& l : locations) {
    arrow::Status st = Delete(l);
    if (first.ok() && !st.ok()) first = st;
  }
  return first;
}

arrow::Status S3FileIO::ListEach(const std::string& location, bool recursive,
                                 const std::function<arrow::Status(const FileEntry&)>& visit) {
  ARROW_ASSIGN_OR_RAISE(S3Location loc, ToS3(location));
  arrow::fs::FileSelector selector;
  selector.base_dir = loc.path;
  selector.recursive = recursive;
  selector.allow_not_found = true;  // a prefix with no objects is an empty folder
  const std::string prefix = loc.parsed.prefix;
  auto gen = fs_->GetFileInfoGenerator(selector);
  while (true) {
    auto page = gen().result();
    if (!page.ok()) return Fail("list", location, page.status());
    if (arrow::IsIterationEnd(*page)) break;
    for (const auto& info : *page) {
      FileEntry e;
      e.location = prefix + info.path();
      if (info.IsDirectory()) {
        if (recursive) continue;  // recursive listings give objects only
        e.kind = FileKind::kDirectory;
      } else {
        e.kind = FileKind::kFile;
        e.size = info.size();
        e.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         info.mtime().time_since_epoch())
                         .count();
      }
      e.identity = "s3://" + info.path();
      ARROW_RETURN_NOT_OK(visit(e));
    }
  }
  return arrow::Status::OK();
}

arrow::Result<std::vector<FileEntry>> S3FileIO::List(const std::string& location,
                                                     bool recursive) {
  std::vector<FileEntry> out;
  ARROW_RETURN_NOT_OK(ListEach(location, recursive, [&](const FileEntry& e) {
    out.push_back(e);
    return arrow::Status::OK();
  }));
  return out;
}

arrow::Result<std::string> S3FileIO::CanonicalLocation(const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(ParsedLocation parsed, ParseLocation(location));
  if (parsed.kind != StorageKind::kS3) return arrow::Status::Invalid("not an S3 location: ", location);
  return CanonicalS3Location(parsed);
}

}  // namespace floe::io
