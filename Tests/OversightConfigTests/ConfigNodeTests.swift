//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import Testing

@Suite struct ConfigNodeTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("2s", .seconds(2)), ("5m", .seconds(300)), ("24h", .seconds(86_400)),
        ("1h30m", .seconds(5_400)), ("90d", .seconds(90 * 86_400)), ("0", .zero), ("1m30s500ms", .milliseconds(90_500)),
    ])
    func parsesDurations(text: String, expected: Duration) {
        #expect(ConfigUnits.parseDuration(text) == expected)
    }

    @Test(arguments: ["", "2", "2 s", "s", "-1s", "1.5s", "2w", "1h 30m", "99999999999999d"])
    func rejectsBadDurations(text: String) {
        #expect(ConfigUnits.parseDuration(text) == nil)
    }

    @Test(arguments: [
        ("1048576", 1_048_576), ("512KiB", 512 * 1024), ("512MiB", 512 << 20), ("1GiB", 1 << 30), ("10MB", 10_000_000),
        ("4mib", 4 << 20), ("12 KB", 12_000), ("7B", 7),
    ])
    func parsesByteSizes(text: String, expected: Int) {
        #expect(ConfigUnits.parseByteSize(text) == expected)
    }

    @Test(arguments: ["", "MiB", "1.5MiB", "-1", "10 parsecs", "1ZiB"])
    func rejectsBadByteSizes(text: String) {
        #expect(ConfigUnits.parseByteSize(text) == nil)
    }

    @Test func formatsUnits() {
        #expect(ConfigUnits.format(duration: .seconds(600)) == "10m")
        #expect(ConfigUnits.format(duration: .milliseconds(10)) == "10ms")
        #expect(ConfigUnits.format(duration: .seconds(90)) == "90s")
        #expect(ConfigUnits.format(bytes: 4 << 20) == "4MiB")
        #expect(ConfigUnits.format(bytes: 1000) == "1000")
    }

    @Test func typedValuesAndKeyPaths() throws {
        let root = try ConfigNode.parse(
            yaml: """
                a:
                  count: 20_000
                  flag: TRUE
                  wait: 1h30m
                  size: 512KiB
                  pick: normal
                  list: [x, y]
                  map: { "K 1": v1, k2: "" }
                """,
            file: "t.yaml"
        )
        let a = try root.required("a")
        #expect(try a.required("count").int(in: 1...100_000) == 20_000)
        #expect(try a.required("flag").bool() == true)
        #expect(try a.required("wait").duration(in: .zero ... .seconds(86_400)) == .seconds(5_400))
        #expect(try a.required("size").byteSize(in: 0...Int.max) == 512 * 1024)
        #expect(try a.required("pick").choice(["full": 1, "normal": 2]) == 2)
        #expect(try a.required("list").stringList() == ["x", "y"])
        let map = try a.required("map").stringMap()
        #expect(map.map(\.key) == ["K 1", "k2"])
        #expect(map.map(\.value) == ["v1", ""])
        #expect(map[0].node.keyPath == "a.map.\"K 1\"")
        #expect(try a.required("list").items()[1].keyPath == "a.list[1]")
        #expect(try a.optional("absent") == nil)
    }

    @Test func errorsNameFileLineColumnAndKeyPath() throws {
        let root = try ConfigNode.parse(yaml: "a:\n  b:\n    count: lots\n", file: "t.yaml")
        let error = try #require(throws: ConfigError.self) {
            try root.required("a").required("b").required("count").int(in: 1...5_000)
        }
        #expect(error.description == "t.yaml:3:12: a.b.count: expected an integer from 1 to 5000, got 'lots'")
        #expect(error.code == .invalidValue)
    }

    @Test func unknownKeyNamesTheKeyItsLineAndTheAllowedKeys() throws {
        let root = try ConfigNode.parse(yaml: "alpha: 1\nbeta:\n  gamma: 2\n  gamm: 3\n", file: "t.yaml")
        let error = try #require(throws: ConfigError.self) {
            try root.required("beta").rejectUnknownKeys(allowed: ["gamma", "delta"])
        }
        #expect(error.code == .unknownKey)
        #expect(error.line == 4)
        #expect(error.description == "t.yaml:4:3: beta: unknown key 'gamm' (did you mean 'gamma'?); allowed keys here: gamma, delta")
    }

    @Test func missingRequiredKeyPointsAtItsParent() throws {
        let root = try ConfigNode.parse(yaml: "top: 1\nsection:\n  other: 2\n", file: "t.yaml")
        let error = try #require(throws: ConfigError.self) { try root.required("section").required("needed") }
        #expect(error.code == .missingKey)
        #expect(error.description == "t.yaml:3:3: section: missing required key 'needed'")
    }

    @Test func secretValuesAreNeverEchoed() throws {
        let root = try ConfigNode.parse(yaml: "db_password: [hunter2]\napi_token: hunter3\n", file: "t.yaml")
        let listError = try #require(throws: ConfigError.self) { try root.required("db_password").string() }
        #expect(!listError.description.contains("hunter2"))
        let intError = try #require(throws: ConfigError.self) { try root.required("api_token").int(in: 1...2) }
        #expect(!intError.description.contains("hunter3"))
        #expect(intError.description.contains("not shown"))
    }

    @Test(arguments: [
        ("", 1, "the file is empty"),
        ("# only a comment\n", 1, "the file is empty"),
        ("- a\n- b\n", 1, "expected a mapping of keys at the top of the file"),
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "invalid YAML"),
        ("a: 1\n  b: 2\n", 2, "invalid YAML"),
        ("a: 1\nb: 2\na: 3\n", 1, "duplicate key 'a'"),
    ])
    func syntaxErrorsCarryALine(yaml: String, line: Int, fragment: String) {
        #expect {
            _ = try ConfigNode.parse(yaml: yaml, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.code == .syntax && error.line == line && error.description.hasPrefix("bad.yaml:\(line):")
                && error.message.contains(fragment)
        }
    }

    @Test func hostAndPort() {
        #expect(HostAndPort(parsing: "coordinator.example:7443") == HostAndPort(host: "coordinator.example", port: 7443))
        #expect(HostAndPort(parsing: "[::1]:7443") == HostAndPort(host: "::1", port: 7443))
        #expect(HostAndPort(parsing: "[::1]:7443")?.description == "[::1]:7443")
        for bad in ["host", "host:", ":7443", "host:0", "host:65536", "host:74a3", "::1:7443", "a b:1"] {
            #expect(HostAndPort(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func datePatterns() throws {
        let pattern = try DatePattern.compile("dd/MM/yyyy HH:mm").get()
        #expect(pattern.elements == [.day(minDigits: 2), .literal("/"), .month(minDigits: 2), .literal("/"), .year, .literal(" "),
            .hour(minDigits: 2), .literal(":"), .minute])
        let quoted = try DatePattern.compile("yyyy-MM-dd'T'HH:mm:ss.SSS 'at' d").get()
        #expect(quoted.elements.contains(.literal("T")))
        #expect(quoted.elements.contains(.literal(" at ")))
        #expect(quoted.elements.contains(.fraction(digits: 3)))
        #expect(throws: DatePattern.PatternError.self) { try DatePattern.compile("dd/MM/yy").get() }
        #expect(throws: DatePattern.PatternError.self) { try DatePattern.compile("hh:mm a").get() }
        #expect(throws: DatePattern.PatternError.self) { try DatePattern.compile("HH:mm").get() }
        #expect(throws: DatePattern.PatternError.self) { try DatePattern.compile("yyyy-MM-dd 'unclosed").get() }
    }
}
