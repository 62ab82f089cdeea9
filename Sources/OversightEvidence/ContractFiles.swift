//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The files a contract rests on: the contract file and the iCalendar files its calendars name.
//
//===----------------------------------------------------------------------===//

import OversightConfig

/// Finds the `ics:` paths of a contract file, so a bundle can carry the holiday calendars with the contract.
package enum ContractFiles {
    /// Every path given under an `ics` key anywhere in the contract's YAML, in file order.
    /// - Throws: ``ConfigError`` when the text is not YAML.
    package static func icsPaths(yaml: String, file: String) throws(ConfigError) -> [String] {
        var paths: [String] = []
        func walk(_ node: ConfigNode, underICS: Bool) {
            if let entries = try? node.entries() {
                for entry in entries { walk(entry.value, underICS: entry.key == "ics") }
            } else if let items = try? node.items() {
                for item in items { walk(item, underICS: underICS) }
            } else if underICS, let text = try? node.string(maxLength: 1024) {
                paths.append(text)
            }
        }
        walk(try ConfigNode.parse(yaml: yaml, file: file), underICS: false)
        return paths
    }
}
