//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation

extension CoordinatorSettings {
    /// Applies a YAML configuration file (filled in once the config module lands).
    mutating func apply(file: String, dataOverride: String?) throws {
        _ = file
    }
}
