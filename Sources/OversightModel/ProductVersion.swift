//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// The product's version: both executables print it for `--version`, and `scripts/package-deb` names the Debian packages after it.
package let oversightVersion = "0.1.0"
