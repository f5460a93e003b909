#pragma once

// The AWS shared configuration files (AWS docs: "Shared config and credentials files"):
// `~/.aws/credentials` (AWS_SHARED_CREDENTIALS_FILE) with `[name]` sections and `~/.aws/config`
// (AWS_CONFIG_FILE) with `[default]` and `[profile name]` sections.

#include <arrow/result.h>

#include <map>
#include <string>

namespace floe::catalog::aws {

/// One profile's settings (`aws_access_key_id`, `region`, `role_arn`, ...), keys lower-cased.
using ProfileSettings = std::map<std::string, std::string>;

/// The sections of an INI-style AWS file, by section name as written (`profile x` included).
/// Comments (`#`, `;`) and blank lines are skipped; an indented line continues a value.
std::map<std::string, ProfileSettings> ParseAwsIni(const std::string& text);

/// Where the files are: the environment variable, else `$HOME/.aws/<name>`.
std::string SharedCredentialsFilePath();
std::string ConfigFilePath();

/// The profile to use: `explicit_name` if given, else AWS_PROFILE, else "default".
std::string ProfileName(const std::string& explicit_name);

/// Settings of profile `name` from both files; the credentials file wins where both set a key
/// (as the SDKs read them). NotFound when neither file has the profile (the message names the
/// files looked at).
arrow::Result<ProfileSettings> LoadProfile(const std::string& name);

/// The region to use: `explicit_region` if given, else AWS_REGION, else AWS_DEFAULT_REGION,
/// else the profile's `region` in the config file; "" when none of them says.
std::string ResolveRegion(const std::string& explicit_region, const std::string& profile = "");

}  // namespace floe::catalog::aws
