//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading the `disputes:` section of a contract version.
//
//===----------------------------------------------------------------------===//

import OversightConfig

extension DisputeTerms {
    /// The keys of a `disputes:` section.
    static let keys = ["reasons", "decide_within_business_days", "default_decision"]

    /// Reads a version's `disputes:` section:
    ///
    /// ```yaml
    /// disputes:
    ///   reasons: [client_caused_delay, force_majeure, wrong_clock_holder, data_error]
    ///   decide_within_business_days: 5
    ///   default_decision: accepted        # or rejected
    /// ```
    /// - Throws: ``ConfigError`` naming the file, line and key: an unknown key, an empty or repeated reason, a reason
    ///   that is not a lower-case name, a day count outside 1–60, a default other than accepted or rejected.
    init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: Self.keys)
        let reasonsNode = try node.required("reasons")
        var reasons: [String] = []
        for item in try reasonsNode.items() {
            let reason = try item.string(maxLength: 64)
            guard reason.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
                throw item.invalid(expected: "a reason name of lower-case letters, digits and '_' (such as force_majeure)")
            }
            guard !reasons.contains(reason) else { throw item.error("the reason '\(reason)' is listed twice") }
            reasons.append(reason)
        }
        guard !reasons.isEmpty else { throw reasonsNode.invalid(expected: "a list of at least one dispute reason") }
        let days = try node.required("decide_within_business_days").int(in: 1...60)
        let decision = try node.required("default_decision").choice(Decision.self)
        self.init(reasons: reasons, decideWithinBusinessDays: days, defaultDecision: decision)
    }
}
