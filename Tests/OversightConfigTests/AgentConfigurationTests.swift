//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightModel
import Testing

@Suite struct AgentConfigurationTests {
    static let minimal = """
        sources:
          - name: tickets
            path: /srv/exports/tickets
            mapping:
              fields:
                id: "Ticket ID"
                status: "Status"
                created_at: "Created"

        """

    @Test func minimalFileTakesDefaults() throws {
        let configuration = try AgentConfiguration(yaml: Self.minimal, file: "agent.yaml")
        #expect(configuration.dataDirectory == "/var/lib/oversight/agent")
        #expect(configuration.coordinator == nil)
        #expect(configuration.proxy == nil)
        #expect(configuration.batch.maxRecords == 500)
        #expect(configuration.batch.maxAge == .milliseconds(500))
        #expect(configuration.batch.inFlight == 4)
        #expect(configuration.heartbeatInterval == .seconds(30))
        #expect(configuration.reconnect.initialBackoff == .seconds(1))
        #expect(configuration.reconnect.maxBackoff == .seconds(60))
        #expect(configuration.outbox.maxBytes == 512 << 20)
        #expect(configuration.logLevel == .info)
        let source = try #require(configuration.sources.first)
        #expect(source.name == "tickets")
        #expect(source.kind == .tickets)
        #expect(source.format == .auto)
        #expect(source.pollInterval == .milliseconds(500))
        #expect(source.settleTime == .milliseconds(500))
        #expect(source.site == nil)
        #expect(source.csv == .init())
        #expect(source.mapping.fields == [.id: "Ticket ID", .status: "Status", .createdAt: "Created"])
        #expect(source.mapping.dateFormat == .iso8601)
        #expect(source.mapping.timeZone.secondsFromGMT(for: Date()) == 0)
        #expect(source.mapping.pseudonymise == [.assignee])
    }

    @Test func fullFileParses() throws {
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-proxy-\(UUID().uuidString)")
        try "s3cret-pass\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        let yaml = """
            data: /tmp/agent-data
            coordinator: hq.example:7443
            proxy:
              url: http://proxy.example:3128
              username: alice
              password_file: \(passwordFile.path)
            batch: { max_records: 1000, max_age: 250ms, in_flight: 8 }
            heartbeat_interval: 10s
            reconnect: { initial_backoff: 500ms, max_backoff: 5m }
            outbox: { max_bytes: 1GiB }
            log_level: debug
            sources:
              - name: zendesk.main
                kind: tickets
                path: /srv/exports/zd
                format: jsonl
                poll_interval: 500ms
                settle_time: 0s
                site: lisbon
                csv: { delimiter: ";", quote: "'" }
                mapping:
                  fields: { id: ticket.id, status: ticket.status, created_at: ticket.created, assignee: ticket.agent, tags: ticket.tags }
                  dates: { format: "dd/MM/yyyy HH:mm", time_zone: Europe/Lisbon }
                  statuses: { "Awaiting customer": pending, "In progress": open }
                  channels: { "E-Mail": email }
                  priorities: { "P1": urgent }
                  defaults: { channel: chat, priority: high }
                  tags_separator: "|"
                  pseudonymise: [queue, tags]
            """
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        #expect(configuration.dataDirectory == "/tmp/agent-data")
        #expect(configuration.coordinator == HostAndPort(host: "hq.example", port: 7443))
        let proxy = try #require(configuration.proxy)
        #expect(proxy.host == "proxy.example")
        #expect(proxy.port == 3128)
        #expect(proxy.username == "alice")
        #expect(proxy.password == "s3cret-pass")
        #expect(!"\(proxy)".contains("s3cret"))
        #expect(!String(reflecting: proxy).contains("s3cret"))
        #expect(configuration.batch.maxRecords == 1000)
        #expect(configuration.batch.maxAge == .milliseconds(250))
        #expect(configuration.batch.inFlight == 8)
        #expect(configuration.heartbeatInterval == .seconds(10))
        #expect(configuration.reconnect.initialBackoff == .milliseconds(500))
        #expect(configuration.reconnect.maxBackoff == .seconds(300))
        #expect(configuration.outbox.maxBytes == 1 << 30)
        #expect(configuration.logLevel == .debug)
        let source = try #require(configuration.sources.first)
        #expect(source.name == "zendesk.main")
        #expect(source.format == .jsonl)
        #expect(source.pollInterval == .milliseconds(500))
        #expect(source.settleTime == .zero)
        #expect(source.site == "lisbon")
        #expect(source.csv == .init(delimiter: UInt8(ascii: ";"), quote: UInt8(ascii: "'")))
        let mapping = source.mapping
        #expect(mapping.fields[.assignee] == "ticket.agent")
        #expect(mapping.dateFormat.description == "dd/MM/yyyy HH:mm")
        #expect(mapping.timeZone.identifier == "Europe/Lisbon")
        #expect(mapping.statuses == ["awaiting customer": .pending, "in progress": .open])
        #expect(mapping.channels == ["e-mail": .email])
        #expect(mapping.priorities == ["p1": .urgent])
        #expect(mapping.defaultChannel == .chat)
        #expect(mapping.defaultPriority == .high)
        #expect(mapping.tagsSeparator == "|")
        #expect(mapping.pseudonymise == [.assignee, .queue, .tags])
    }

    /// Parses `yaml` and returns the configuration error, or `nil` if it parsed.
    static func error(in yaml: String) -> ConfigError? {
        do {
            _ = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        // An unknown top-level key.
        ("log_level: info\nheartbeat_intervall: 5s\n" + minimal,
         "agent.yaml:2:1: unknown key 'heartbeat_intervall' (did you mean 'heartbeat_interval'?)"),
        // An out-of-range integer, at the value's line and column.
        ("batch:\n  max_records: 9000\n" + minimal, "agent.yaml:2:16: batch.max_records: expected an integer from 1 to 5000, got '9000'"),
        ("batch:\n  max_records: lots\n" + minimal, "agent.yaml:2:16: batch.max_records: expected an integer from 1 to 5000, got 'lots'"),
        // A bad duration.
        ("heartbeat_interval: 30 seconds\n" + minimal, "agent.yaml:1:21: heartbeat_interval: expected a duration from 1s to 10m"),
        ("batch: { max_age: 1h }\n" + minimal, "agent.yaml:1:19: batch.max_age: expected a duration from 10ms to 10m"),
        ("reconnect: { initial_backoff: 10s, max_backoff: 5s }\n" + minimal,
         "agent.yaml:1:49: reconnect.max_backoff: max_backoff (5s) must be at least"),
        ("outbox: { max_bytes: 10KiB }\n" + minimal, "agent.yaml:1:22: outbox.max_bytes: expected a byte size from 1MiB to 1TiB"),
        ("log_level: verbose\n" + minimal,
         "agent.yaml:1:12: log_level: expected one of trace, debug, info, notice, warning, error, critical, got 'verbose'"),
        ("coordinator: hq.example:99999\n" + minimal, "agent.yaml:1:14: coordinator: expected host:port"),
        ("proxy: { url: https://proxy:3128 }\n" + minimal, "agent.yaml:1:15: proxy.url: expected an http:// URL"),
        ("proxy: { url: http://proxy }\n" + minimal, "agent.yaml:1:15: proxy.url: expected an http:// URL"),
        ("proxy: { url: \"http://bob:pw@proxy:3128\" }\n" + minimal, "agent.yaml:1:15: proxy.url: the proxy URL must not carry credentials"),
        ("proxy: { url: http://proxy:3128, username: a, password_file: /nonexistent/pw }\n" + minimal,
         "agent.yaml:1:62: proxy.password_file: cannot read the password file '/nonexistent/pw'"),
        // Sources.
        ("data: /x\n", "agent.yaml:1:1: missing required key 'sources'"),
        ("sources: []\n", "agent.yaml:1:10: sources: expected at least one source"),
        (minimal + "    format: xml\n", "agent.yaml:9:13: sources[0].format: expected one of auto, csv, jsonl, got 'xml'"),
        (minimal + "    settle: 1s\n", "agent.yaml:9:5: sources[0]: unknown key 'settle'"),
        (minimal + "    csv: { delimiter: \";;\" }\n", "agent.yaml:9:23: sources[0].csv.delimiter: expected a string of at most 1 characters"),
        (minimal + "  - name: tickets\n    path: /b\n    mapping: { fields: { id: a, status: b, created_at: c } }\n",
         "agent.yaml:9:11: sources[1].name: source name 'tickets' is used twice"),
        ("sources:\n  - name: \"bad name!\"\n    path: /a\n", "agent.yaml:2:11: sources[0].name: expected a name of 1 to 64 characters"),
        ("sources:\n  - name: a\n    path: /a\n", "agent.yaml:2:5: sources[0]: missing required key 'mapping'"),
        // Mapping.
        (minimal + "        closed: \"Closed\"\n",
         "agent.yaml:9:9: sources[0].mapping.fields: unknown ticket field 'closed' (did you mean 'closed_at'?)"),
        ("sources:\n  - name: a\n    path: /a\n    mapping:\n      fields:\n        id: x\n        status: y\n",
         "agent.yaml:6:9: sources[0].mapping.fields: missing required field 'created_at'"),
        (minimal + "      statuses:\n        \"Awaiting customer\": waiting\n",
         "agent.yaml:10:30: sources[0].mapping.statuses.\"Awaiting customer\": "
            + "expected one of new, open, pending, on-hold, solved, closed, got 'waiting'"),
        (minimal + "      channels: { fax: fax }\n",
         "agent.yaml:9:24: sources[0].mapping.channels.fax: expected one of email, chat, phone, social, web"),
        (minimal + "      dates: { format: \"dd/MM/yy\" }\n",
         "agent.yaml:9:24: sources[0].mapping.dates.format: expected iso8601, unix, unix_ms or a date pattern"),
        (minimal + "      dates: { time_zone: Mars/Olympus }\n", "agent.yaml:9:27: sources[0].mapping.dates.time_zone: expected an IANA time zone"),
        (minimal + "      pseudonymise: [status]\n",
         "agent.yaml:9:22: sources[0].mapping.pseudonymise[0]: expected one of id, assignee, queue, tags"),
        (minimal + "      colour: blue\n", "agent.yaml:9:7: sources[0].mapping: unknown key 'colour'"),
    ])
    func invalidFilesAreRejectedWithFileAndLine(yaml: String, expected: String) throws {
        let error = try #require(Self.error(in: yaml), "no error for:\n\(yaml)")
        #expect(error.description.hasPrefix(expected), "\(error.description)")
    }

    @Test func passwordFileContentIsNeverInAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("pw")
        try "\n".write(to: file, atomically: true, encoding: .utf8)
        let yaml = "proxy: { url: http://p:3128, username: u, password_file: \(file.path) }\n" + Self.minimal
        let error = try #require(Self.error(in: yaml))
        #expect(error.message.contains("is empty"))
        #expect(error.keyPath == "proxy.password_file")
    }

    @Test func loadReportsAMissingFile() {
        #expect {
            _ = try AgentConfiguration.load(file: "/nonexistent/agent.yaml")
        } throws: { error in
            (error as? ConfigError)?.code == .unreadableFile && "\(error)".hasPrefix("/nonexistent/agent.yaml: cannot read")
        }
    }
}

@Suite struct PresetMappingConfigurationTests {
    static func yaml(_ mapping: String, extra: String = "") -> String {
        "sources:\n  - name: zd\n    path: /srv/zd\n\(extra)    mapping:\n" + mapping.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
    }

    @Test func aPresetNeedsNoFieldList() throws {
        let configuration = try AgentConfiguration(yaml: Self.yaml("preset: zendesk"), file: "agent.yaml")
        let mapping = configuration.sources[0].mapping
        #expect(mapping.preset == .zendesk)
        #expect(mapping.fields[.channel] == "via.channel" && mapping.fields[.status] == "status" && mapping.statuses["hold"] == .onHold)
        let freshdesk = try AgentConfiguration(yaml: Self.yaml("preset: freshdesk\nstatuses:\n  \"6\": pending\nfields:\n  queue: custom_fields.cf_team"), file: "a.yaml")
        let fd = freshdesk.sources[0].mapping
        #expect(fd.preset == .freshdesk && fd.statuses["2"] == .open && fd.statuses["6"] == .pending && fd.fields[.queue] == "custom_fields.cf_team")
        #expect(fd.fields[.firstReplyAt] == "stats.first_responded_at")
    }

    @Test(arguments: [
        ("preset: helpscout", "sources[0].mapping.preset"),
        ("preset: zendesk\ndates:\n  format: unix", "not used with preset zendesk"),
        ("preset: zendesk\nfields:\n  colour: x", "unknown ticket field 'colour'"),
    ])
    func badPresetMappingsAreRefusedAtTheirLine(mapping: String, message: String) {
        #expect {
            _ = try AgentConfiguration(yaml: Self.yaml(mapping), file: "agent.yaml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func aPresetIsNotReadAsCSV() {
        #expect {
            _ = try AgentConfiguration(yaml: Self.yaml("preset: zendesk", extra: "    format: csv\n"), file: "agent.yaml")
        } throws: { error in
            "\(error)".contains("reads JSON exports")
        }
    }
}

extension AgentConfigurationTests {
    @Test func transcriptsComeFromAFolderOrACommand() throws {
        let folder = try AgentConfiguration(yaml: Self.minimal + "transcripts:\n  folder: /srv/transcripts\n  max_bytes: 64KiB\n", file: "agent.yaml")
        #expect(folder.transcripts?.folder == "/srv/transcripts" && folder.transcripts?.command == nil && folder.transcripts?.maxBytes == 64 * 1024)
        let command = try AgentConfiguration(
            yaml: Self.minimal + "transcripts:\n  command: [/usr/local/bin/fetch-transcript, --id, \"{ticket}\"]\n  format: email\n  timeout: 5s\n",
            file: "agent.yaml"
        )
        #expect(command.transcripts?.command == ["/usr/local/bin/fetch-transcript", "--id", "{ticket}"])
        #expect(command.transcripts?.commandFormat == "email" && command.transcripts?.timeout == .seconds(5))
        for (yaml, words) in [
            ("transcripts:\n  folder: /a\n  command: [/bin/cat]\n", "either folder or command"),
            ("transcripts:\n  command: [fetch]\n", "absolute path"),
            ("transcripts:\n  command: [/bin/cat]\n  format: pdf\n", "text, email or chat"),
            ("transcripts:\n  command: [/bin/cat]\n  timeout: 10m\n", "transcripts.timeout"),
            ("transcripts:\n  folder: /a\n  timeout: 5s\n", "only with command"),
        ] {
            let error = try #require(Self.error(in: Self.minimal + yaml), "\(yaml)")
            #expect("\(error)".contains(words) && "\(error)".contains("agent.yaml:"), "\(error)")
        }
    }
}
