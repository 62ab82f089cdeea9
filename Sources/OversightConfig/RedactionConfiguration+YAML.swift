//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Loading the `redaction:` section of the agent configuration from YAML.
//
//===----------------------------------------------------------------------===//

extension RedactionConfiguration {
    /// The keys accepted in `redaction:`.
    package static let keys = [
        "enabled", "emails", "phones", "cards", "card_security_codes", "ibans", "queues", "name_fields", "patterns",
    ]

    /// Most patterns in one configuration.
    package static let maxPatterns = 64
    /// Longest regular expression accepted, in characters.
    package static let maxRegexLength = 1_000
    /// Most name fields.
    package static let maxNameFields = 64

    /// Reads the `redaction:` section; keys left out keep their defaults.
    /// - Parameter node: The section's value.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem (a regular expression that does not
    ///   compile names its own line).
    package init(node: ConfigNode) throws(ConfigError) {
        self.init()
        try node.rejectUnknownKeys(allowed: Self.keys)
        if let value = try node.optional("enabled") { self.enabled = try value.bool() }
        if let value = try node.optional("emails") { self.emails = try value.bool() }
        if let value = try node.optional("phones") { self.phones = try value.bool() }
        if let value = try node.optional("cards") {
            self.cards = try value.choice(["off": CardHandling.off, "redact": .redact, "bin_and_last4": .binAndLast4])
        }
        if let value = try node.optional("card_security_codes") { self.cardSecurityCodes = try value.bool() }
        if let value = try node.optional("ibans") { self.ibans = try value.bool() }
        if let value = try node.optional("queues") { self.queues = try value.bool() }
        if let value = try node.optional("name_fields") {
            let items = try value.items()
            guard items.count <= Self.maxNameFields else { throw value.error("expected at most \(Self.maxNameFields) name fields") }
            var fields: [String] = []
            for item in items {
                let field = try item.string(maxLength: 300)
                guard !fields.contains(field) else { throw item.error("name field '\(field.prefix(64))' is listed twice") }
                fields.append(field)
            }
            self.nameFields = fields
        }
        if let value = try node.optional("patterns") {
            let items = try value.items()
            guard items.count <= Self.maxPatterns else { throw value.error("expected at most \(Self.maxPatterns) patterns") }
            for item in items {
                try item.rejectUnknownKeys(allowed: ["name", "regex"])
                let nameNode = try item.required("name")
                let name = try nameNode.string(maxLength: 32)
                guard Self.isPlaceholderName(name) else {
                    throw nameNode.invalid(
                        expected: "a placeholder name of lower-case letters, digits and _, starting with a letter (such as national_id)")
                }
                guard !Self.builtInPlaceholders.contains(name) else {
                    throw nameNode.error("'\(name)' is a built-in placeholder; give the pattern its own name, such as national_id")
                }
                guard !self.patterns.contains(where: { $0.name == name }) else {
                    throw nameNode.error("pattern name '\(name)' is used twice; names must be unique")
                }
                let regexNode = try item.required("regex")
                let regex = try regexNode.string(maxLength: Self.maxRegexLength)
                do {
                    self.patterns.append(try Pattern(name: name, regex: regex))
                } catch {
                    throw regexNode.error(error.message)
                }
            }
        }
    }

    /// The placeholders of the built-in rules, which patterns may not reuse.
    package static let builtInPlaceholders: Set<String> = ["email", "phone", "card", "cvc", "iban", "name"]

    /// Whether `name` is `[a-z][a-z0-9_]*`.
    static func isPlaceholderName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return name.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
        }
    }
}
