//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import OversightAgent

@Suite struct ProcessTuningTests {
    /// Resident code pages of this process's executable, from `/proc/self/smaps`.
    static func residentCodeKiB() throws -> Int {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
        var inCode = false
        var total = 0
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5 {
                inCode = fields.count >= 6 && fields[1] == "r-xp" && fields[5...].joined(separator: " ") == path
            } else if inCode, fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                total += kib
            }
        }
        return total
    }

    @Test func droppingTheCodeMappingShrinksTheResidentSetAndTheProcessRunsOn() throws {
        let before = try Self.residentCodeKiB()
        let dropped = AgentProcessTuning.trimCodeMappings()
        // The code segment was found and dropped; everything after this line runs from pages mapped again on demand.
        #expect(dropped > 0)
        let after = try Self.residentCodeKiB()
        #expect(after < before, "resident code \(before) KiB before, \(after) KiB after")
        #expect([3, 1, 2].sorted() == [1, 2, 3])
    }
}
