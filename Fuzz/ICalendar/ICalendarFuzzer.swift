//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// libFuzzer target (scripts/fuzz): the contract calendars' iCalendar holiday parser
// (Sources/OversightSLA/ICalendarHolidays.swift with HolidaySet, CivilDate and ConfigError), compiled alone by
// swiftc -sanitize=fuzzer,address; docs/reliability.md.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Every input, in three time zones: the parser ends with holidays or a `ConfigError` that names the file and a line
/// inside the text (never a crash, never a line past the end), and it gives the same answer twice.
@_cdecl("LLVMFuzzerTestOneInput")
public func iCalendarFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    let lines = max(1, text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.count)
    for zone in ["UTC", "Europe/Lisbon", "Asia/Kolkata"] {
        guard let timeZone = TimeZone(identifier: zone) else { fatalError("no time zone \(zone)") }
        let first: Result<HolidaySet, ConfigError> = Result { () throws(ConfigError) in try ICalendarHolidays.parse(text, file: "fuzz.ics", timeZone: timeZone) }
        let second: Result<HolidaySet, ConfigError> = Result { () throws(ConfigError) in try ICalendarHolidays.parse(text, file: "fuzz.ics", timeZone: timeZone) }
        switch (first, second) {
        case (.success(let a), .success(let b)):
            guard a == b else { fatalError("two parses of the same text differ") }
        case (.failure(let a), .failure(let b)):
            guard a.file == "fuzz.ics", a.message == b.message, a.line == b.line else { fatalError("unstable or unnamed error: \(a) / \(b)") }
            if let line = a.line, line < 1 || line > lines + 1 { fatalError("error on line \(line) of a \(lines)-line text: \(a)") }
        default:
            fatalError("one parse succeeded and the other failed")
        }
    }
    return 0
}
