//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading the `invoicing:` section of a contract version.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig

extension InvoiceTerms {
    /// The keys of an `invoicing:` section.
    static let keys = ["tolerance"]
    /// The keys of one kind's tolerance.
    static let toleranceKeys = ["percent", "absolute"]

    /// Reads a version's `invoicing:` section:
    ///
    /// ```yaml
    /// invoicing:
    ///   tolerance:
    ///     contacts: {percent: 2%, absolute: 5}   # the larger of the two
    ///     handle_minutes: {percent: 3%}
    ///     staffed_hours: {absolute: 8}
    /// ```
    /// - Throws: ``ConfigError`` naming the file, line and key: an unknown key or line kind, a tolerance with neither
    ///   `percent` nor `absolute`, a percentage outside 0–100 % or with more than four decimals, an absolute quantity that
    ///   is negative or not a decimal of at most four places.
    init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: Self.keys)
        var tolerances: [Invoice.LineKind: Tolerance] = [:]
        if let toleranceNode = try node.optional("tolerance") {
            try toleranceNode.rejectUnknownKeys(allowed: Invoice.LineKind.allCases.map(\.rawValue))
            for (key, value) in try toleranceNode.entries() {
                guard let kind = Invoice.LineKind(rawValue: key) else { throw value.error("unknown line kind '\(key.prefix(64))'") }
                try value.rejectUnknownKeys(allowed: Self.toleranceKeys)
                var tolerance = Tolerance()
                if let percentNode = try value.optional("percent") {
                    let text = try percentNode.string(maxLength: 32)
                    let expectation = "a percentage from 0% to 100% with at most four decimals (such as 2% or 2.5%)"
                    guard text.hasSuffix("%"), let percent = ExactDecimal(parsing: text.dropLast().trimmingCharacters(in: .whitespaces)),
                        percent >= .zero, percent <= ExactDecimal(100)
                    else { throw percentNode.invalid(expected: expectation) }
                    tolerance.percent = percent
                }
                if let absoluteNode = try value.optional("absolute") {
                    guard let absolute = ExactDecimal(parsing: try absoluteNode.string(maxLength: 32)), absolute >= .zero else {
                        throw absoluteNode.invalid(expected: "a quantity of the line's unit, a decimal ≥ 0 with at most four decimals (such as 5 or 0.5)")
                    }
                    tolerance.absolute = absolute
                }
                guard tolerance.percent != nil || tolerance.absolute != nil else {
                    throw value.error("the \(key) tolerance needs percent, absolute or both")
                }
                tolerances[kind] = tolerance
            }
        }
        self.init(tolerances: tolerances)
    }
}
