//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import Synchronization
import Testing

@testable import OversightLogging

/// Lines a handler wrote.
final class Lines: Sendable {
    let lines = Mutex<[[UInt8]]>([])
    var sink: @Sendable ([UInt8]) -> Void { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { self.lines.withLock { $0.map { String(decoding: $0, as: UTF8.self) } } }
}

@Suite struct JSONLogHandlerTests {
    func logger(_ lines: Lines, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "oversight.test") { label in JSONLogHandler(label: label, sink: lines.sink) }
        logger.logLevel = level
        return logger
    }

    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func oneObjectPerLineWithTheEventsFields() throws {
        let lines = Lines()
        var logger = self.logger(lines)
        logger[metadataKey: "oversight.agent.id"] = "agt_1"
        logger.notice("coordinator ready", metadata: ["oversight.listen.port": "7443", "count": .stringConvertible(3)])
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
        let object = try self.object(line)
        #expect(object["level"] as? String == "notice")
        #expect(object["label"] as? String == "oversight.test")
        #expect(object["message"] as? String == "coordinator ready")
        #expect(object["source"] as? String == "OversightLoggingTests")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["oversight.agent.id"] as? String == "agt_1")
        #expect(metadata["oversight.listen.port"] as? String == "7443")
        #expect(metadata["count"] as? String == "3")
        let time = try #require(object["time"] as? String)
        #expect(time.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil, "\(time)")
    }

    @Test func levelsBelowTheHandlersAreDropped() {
        let lines = Lines()
        let logger = self.logger(lines, level: .warning)
        logger.info("not written")
        logger.warning("written")
        #expect(lines.all.count == 1)
    }

    @Test(arguments: ["quote \" and backslash \\", "new\nline\r\ttab", "bell \u{07} nul \u{00} del \u{7f}", "ünïcødé ✓ 😀", "</script>"])
    func everyMessageRoundTripsThroughJSON(_ message: String) throws {
        let lines = Lines()
        self.logger(lines).info("\(message)", metadata: ["nested": ["list": [.string(message), "x"], "inner": .string(message)]])
        let line = try #require(lines.all.first)
        #expect(line.filter { $0 == "\n" }.count == 1, "a message never breaks the line")
        let object = try self.object(line)
        #expect(object["message"] as? String == message)
        let nested = try #require((object["metadata"] as? [String: Any])?["nested"] as? [String: Any])
        #expect((nested["list"] as? [String])?.first == message)
        #expect(nested["inner"] as? String == message)
    }

    @Test func metadataNamedLikeASecretIsNeverWritten() throws {
        let lines = Lines()
        let secret = "ovt_9f8e7d6c5b4a-super-secret"
        self.logger(lines).info(
            "request",
            metadata: [
                "password": .string(secret), "oversight.enrollment.token": .string(secret), "Authorization": .string(secret),
                "hb.request.headers": ["cookie": .string(secret)], "oversight.agent.id": "agt_1",
            ]
        )
        let line = try #require(lines.all.first)
        #expect(!line.contains(secret))
        let metadata = try #require(try self.object(line)["metadata"] as? [String: Any])
        #expect(metadata["password"] as? String == "***")
        #expect(metadata["oversight.enrollment.token"] as? String == "***")
        #expect(metadata["Authorization"] as? String == "***")
        #expect((metadata["hb.request.headers"] as? [String: Any])?["cookie"] as? String == "***")
        #expect(metadata["oversight.agent.id"] as? String == "agt_1", "other keys are kept")
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(JSONLogHandler.timestamp((0, 5)) == "1970-01-01T00:00:00.005Z")
        #expect(JSONLogHandler.timestamp((1_790_000_000, 999)) == "2026-09-21T14:13:20.999Z")
    }
}
