// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace vct {

/// Category of a failure; the CLI maps each to its own exit code.
enum class ErrorKind { kInput, kNumerical, kIo, kInternal };

/// The one exception type thrown by the library. Messages name the component, the offending
/// value and what was expected; the library never prints or exits.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace vct
