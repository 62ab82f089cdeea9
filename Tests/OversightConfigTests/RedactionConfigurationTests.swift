//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The agent configuration's `redaction:` section: defaults, every key, and file:line errors.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import Testing

@Suite struct RedactionConfigurationTests {
    @Test func redactionIsOnByDefault() throws {
        let configuration = try AgentConfiguration(yaml: AgentConfigurationTests.minimal, file: "agent.yaml")
        let redaction = configuration.redaction
        #expect(redaction.enabled && redaction.emails && redaction.phones && redaction.cardSecurityCodes && redaction.ibans)
        #expect(redaction.cards == .redact)
        #expect(!redaction.queues)
        #expect(redaction.nameFields.isEmpty && redaction.patterns.isEmpty)
        // An empty section is the defaults too.
        let empty = try AgentConfiguration(yaml: "redaction:\n" + AgentConfigurationTests.minimal, file: "agent.yaml")
        #expect(empty.redaction.enabled && empty.redaction.cards == .redact)
    }

    @Test func theExampleFileShowsTheDefaults() throws {
        let path = ExampleFilesTests.repositoryRoot.appendingPathComponent("deploy/examples/agent.yaml").path
        let redaction = try AgentConfiguration.load(file: path).redaction
        let defaults = RedactionConfiguration()
        #expect(redaction.enabled == defaults.enabled && redaction.emails == defaults.emails && redaction.phones == defaults.phones)
        #expect(redaction.cards == defaults.cards && redaction.cardSecurityCodes == defaults.cardSecurityCodes)
        #expect(redaction.ibans == defaults.ibans && redaction.queues == defaults.queues)
        #expect(redaction.nameFields.isEmpty && redaction.patterns.isEmpty)
    }

    /// The example of docs/configuration.md ("Redaction") parses, and a broken regex in it is reported where the doc says.
    @Test func theDocumentedExampleParses() throws {
        let doc = try String(
            contentsOf: ExampleFilesTests.repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8
        )
        let section = try #require(doc.range(of: "### Redaction\n").map { doc[$0.upperBound...] })
        let block = try #require(section.range(of: "```yaml\n").flatMap { start in
            section[start.upperBound...].range(of: "```").map { section[start.upperBound..<$0.lowerBound] }
        })
        let redaction = try AgentConfiguration(yaml: String(block) + AgentConfigurationTests.minimal, file: "agent.yaml").redaction
        #expect(redaction.cards == .binAndLast4 && redaction.queues && redaction.nameFields == ["Customer", "requester.name"])
        #expect(redaction.patterns.map(\.name) == ["national_id", "inn"])
        let broken = String(block).replacingOccurrences(of: #"'\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b'"#, with: "'[0-9'")
        #expect(throws: ConfigError.self) { try AgentConfiguration(yaml: broken + AgentConfigurationTests.minimal, file: "agent.yaml") }
        do {
            _ = try AgentConfiguration(yaml: broken + AgentConfigurationTests.minimal, file: "agent.yaml")
        } catch {
            #expect("\(error)".hasPrefix("agent.yaml:7:14: redaction.patterns[0].regex: not a valid regular expression (ICU syntax)"))
        }
    }

    @Test func everyKeyParses() throws {
        let yaml = """
            redaction:
              enabled: true
              emails: false
              phones: false
              cards: bin_and_last4
              card_security_codes: false
              ibans: false
              queues: true
              name_fields: [customer_name, requester.name]
              patterns:
                - name: national_id
                  regex: '\\b\\d{2} ?\\d{3} ?\\d{3} ?\\d{3}\\b'
                - name: inn
                  regex: "(?<=ИНН )\\\\d{12}"

            """ + AgentConfigurationTests.minimal
        let redaction = try AgentConfiguration(yaml: yaml, file: "agent.yaml").redaction
        #expect(redaction.enabled && !redaction.emails && !redaction.phones && !redaction.cardSecurityCodes && !redaction.ibans)
        #expect(redaction.cards == .binAndLast4 && redaction.cards.description == "bin_and_last4")
        #expect(redaction.queues)
        #expect(redaction.nameFields == ["customer_name", "requester.name"])
        #expect(redaction.patterns.map(\.name) == ["national_id", "inn"])
        #expect(redaction.patterns[0].regex == #"\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b"#)
        #expect(redaction.patterns[1].regex == #"(?<=ИНН )\d{12}"#)
        let off = try AgentConfiguration(yaml: "redaction: { enabled: false, cards: off }\n" + AgentConfigurationTests.minimal, file: "agent.yaml")
        #expect(!off.redaction.enabled && off.redaction.cards == .off)
    }

    static let errorCases: [(yaml: String, message: String)] = [
        ("redaction:\n  email: true\n", "agent.yaml:2:3: redaction: unknown key 'email' (did you mean 'emails'?)"),
        ("redaction:\n  cards: last4\n", "agent.yaml:2:10: redaction.cards: expected one of off, redact, bin_and_last4, got 'last4'"),
        ("redaction:\n  phones: sometimes\n", "agent.yaml:2:11: redaction.phones: expected true or false, got 'sometimes'"),
        (
            "redaction:\n  patterns:\n    - name: national_id\n      regex: '[0-9'\n",
            "agent.yaml:4:14: redaction.patterns[0].regex: not a valid regular expression (ICU syntax)"
        ),
        (
            "redaction:\n  patterns:\n    - name: maybe\n      regex: 'x*'\n",
            "agent.yaml:4:14: redaction.patterns[0].regex: the regular expression matches the empty text"
        ),
        ("redaction:\n  patterns:\n    - name: Tax-ID\n      regex: x\n", "agent.yaml:3:13: redaction.patterns[0].name: expected a placeholder name"),
        (
            "redaction:\n  patterns:\n    - name: email\n      regex: x\n",
            "agent.yaml:3:13: redaction.patterns[0].name: 'email' is a built-in placeholder"
        ),
        (
            "redaction:\n  patterns:\n    - name: a\n      regex: x\n    - name: a\n      regex: y\n",
            "agent.yaml:5:13: redaction.patterns[1].name: pattern name 'a' is used twice"
        ),
        ("redaction:\n  patterns:\n    - name: a\n", "agent.yaml:3:7: redaction.patterns[0]: missing required key 'regex'"),
        ("redaction:\n  patterns:\n    - name: a\n      regexp: x\n", "agent.yaml:4:7: redaction.patterns[0]: unknown key 'regexp'"),
        ("redaction:\n  name_fields: [a, a]\n", "agent.yaml:2:20: redaction.name_fields[1]: name field 'a' is listed twice"),
    ]

    @Test(arguments: errorCases)
    func errorsNameTheFileLineAndKey(yaml: String, message: String) {
        var error: ConfigError?
        do {
            _ = try AgentConfiguration(yaml: yaml + AgentConfigurationTests.minimal, file: "agent.yaml")
        } catch let thrown {
            error = thrown
        }
        #expect(error.map { "\($0)".hasPrefix(message) } == true, "\(error.map { "\($0)" } ?? "no error")")
    }
}
