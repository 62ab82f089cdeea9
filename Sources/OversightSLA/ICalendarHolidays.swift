//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Holidays imported from an iCalendar (.ics) file.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig

/// Reads holidays from an iCalendar file (RFC 5545), as published by public-holiday feeds and
/// exported by calendar programs.
///
/// Each `VEVENT` becomes holidays:
/// - `DTSTART;VALUE=DATE:20250101` (an all-day event) closes that local date; with
///   `DTEND;VALUE=DATE` it closes every date up to the day before `DTEND` (the end is exclusive).
/// - `DTSTART:20251224T130000` with `DTEND` (a timed event) closes `[DTSTART, DTEND)`. A time with
///   `Z` is UTC, one with `TZID=` is in that IANA zone, and a floating one is in the calendar's zone.
///   A timed event without `DTEND` closes the local date of its start.
/// - `RRULE:FREQ=YEARLY` (optionally with `COUNT=` or `UNTIL=`) on an all-day event repeats it on
///   the same month and day every year from its first. Other recurrences are refused.
///
/// `VTIMEZONE` blocks, `EXDATE` and other properties are ignored. Long lines may be folded
/// (continuation lines start with a space or a tab). Errors name the file and line.
package enum ICalendarHolidays {
    /// Parses iCalendar text.
    /// - Parameters:
    ///   - text: The file's content.
    ///   - file: The file name to show in errors.
    ///   - timeZone: The zone of floating date-times (the calendar's zone).
    /// - Throws: ``ConfigError`` naming the file and line of the first problem.
    package static func parse(_ text: String, file: String, timeZone: TimeZone) throws(ConfigError) -> HolidaySet {
        var holidays = HolidaySet()
        var event: [Property]?
        var eventLine = 0
        var sawCalendar = false
        for property in try Self.unfold(text, file: file) {
            switch (property.name, property.value.uppercased()) {
            case ("BEGIN", "VCALENDAR"): sawCalendar = true
            case ("BEGIN", "VEVENT"):
                guard event == nil else { throw property.error(file, "BEGIN:VEVENT inside another VEVENT") }
                event = []
                eventLine = property.line
            case ("END", "VEVENT"):
                guard let properties = event else { throw property.error(file, "END:VEVENT without BEGIN:VEVENT") }
                try Self.addEvent(properties, beginLine: eventLine, file: file, timeZone: timeZone, to: &holidays)
                event = nil
            default:
                event?.append(property)
            }
        }
        guard sawCalendar else {
            throw ConfigError(code: .syntax, file: file, line: 1, message: "not an iCalendar file: expected BEGIN:VCALENDAR")
        }
        if event != nil { throw ConfigError(code: .syntax, file: file, message: "a VEVENT is not closed with END:VEVENT") }
        return holidays
    }

    /// Reads and parses an iCalendar file.
    /// - Parameters:
    ///   - path: The file path.
    ///   - timeZone: The zone of floating date-times.
    /// - Throws: ``ConfigError`` with code `.unreadableFile` if it cannot be read, or naming the line of a problem.
    package static func load(path: String, timeZone: TimeZone) throws(ConfigError) -> HolidaySet {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(code: .unreadableFile, file: path, message: "cannot read the iCalendar file")
        }
        return try Self.parse(text, file: path, timeZone: timeZone)
    }

    // MARK: - Lines

    struct Property {
        var name: String
        var parameters: [String: String]
        var value: String
        var line: Int

        func error(_ file: String, _ message: String) -> ConfigError {
            ConfigError(code: .invalidValue, file: file, line: self.line, message: "\(self.name): \(message)")
        }
    }

    static func unfold(_ text: String, file: String) throws(ConfigError) -> [Property] {
        var logical: [(text: String, line: Int)] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so split on every kind of line end.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line.removeLast() }
            if let first = line.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1].text += line.dropFirst()
            } else if !line.isEmpty {
                logical.append((String(line), lineNumber))
            }
        }
        var properties: [Property] = []
        for (text, line) in logical {
            guard let colon = Self.valueColon(in: text) else {
                throw ConfigError(code: .syntax, file: file, line: line, message: "expected NAME:VALUE, got '\(text.prefix(60))'")
            }
            let head = text[..<colon].split(separator: ";").map(String.init)
            guard let name = head.first, !name.isEmpty else {
                throw ConfigError(code: .syntax, file: file, line: line, message: "a property without a name")
            }
            var parameters: [String: String] = [:]
            for parameter in head.dropFirst() {
                let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let parameterName = parts.first, !parameterName.isEmpty else {
                    throw ConfigError(code: .syntax, file: file, line: line, message: "a parameter of \(name.prefix(60)) without a name")
                }
                parameters[parameterName.uppercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
            }
            properties.append(Property(name: name.uppercased(), parameters: parameters, value: String(text[text.index(after: colon)...]), line: line))
        }
        return properties
    }

    /// The colon that separates name and parameters from the value (colons inside quoted parameters do not count).
    private static func valueColon(in text: String) -> String.Index? {
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { quoted.toggle() } else if character == ":" && !quoted { return index }
            index = text.index(after: index)
        }
        return nil
    }

    // MARK: - Events

    private enum Moment {
        case date(CivilDate)
        case dateTime(Date)
    }

    private static func addEvent(
        _ properties: [Property], beginLine: Int, file: String, timeZone: TimeZone, to holidays: inout HolidaySet
    ) throws(ConfigError) {
        guard let start = properties.first(where: { $0.name == "DTSTART" }) else {
            throw ConfigError(code: .missingKey, file: file, line: beginLine, message: "a VEVENT without DTSTART")
        }
        let name = properties.first(where: { $0.name == "SUMMARY" })?.value.replacingOccurrences(of: "\\,", with: ",")
        let end = properties.first(where: { $0.name == "DTEND" })
        let rule = properties.first(where: { $0.name == "RRULE" })
        switch try Self.moment(start, file: file, timeZone: timeZone) {
        case .date(let first):
            var last = first
            if let end {
                guard case .date(let endDate) = try Self.moment(end, file: file, timeZone: timeZone) else {
                    throw end.error(file, "an all-day event needs DTEND;VALUE=DATE")
                }
                guard endDate > first else { throw end.error(file, "DTEND must be after DTSTART") }
                last = endDate.adding(days: -1)
            }
            guard last.dayNumber - first.dayNumber < 366 else { throw start.error(file, "an all-day event longer than a year") }
            if let rule {
                let untilYear = try Self.yearlyUntil(rule, first: first, file: file)
                var day = first
                while day <= last {
                    holidays.add(HolidaySet.Yearly(month: day.month, day: day.day, fromYear: day.year, untilYear: untilYear, name: name))
                    day = day.adding(days: 1)
                }
            } else {
                var day = first
                while day <= last {
                    holidays.add(day, name: name)
                    day = day.adding(days: 1)
                }
            }
        case .dateTime(let startInstant):
            if let rule { throw rule.error(file, "recurring timed events are not supported; use an all-day event") }
            if let end {
                guard case .dateTime(let endInstant) = try Self.moment(end, file: file, timeZone: timeZone) else {
                    throw end.error(file, "a timed event needs a date-time DTEND")
                }
                guard endInstant > startInstant else { throw end.error(file, "DTEND must be after DTSTART") }
                holidays.addClosure(from: startInstant, to: endInstant)
            } else {
                let calendar = BusinessCalendar(timeZone: timeZone, hours: .twentyFourSeven)
                holidays.add(calendar.localDate(of: startInstant), name: name)
            }
        }
    }

    private static func yearlyUntil(_ rule: Property, first: CivilDate, file: String) throws(ConfigError) -> Int? {
        var parts: [String: String] = [:]
        for part in rule.value.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw rule.error(file, "malformed rule part '\(part)'") }
            parts[pair[0].uppercased()] = pair[1]
        }
        guard parts["FREQ"]?.uppercased() == "YEARLY" else {
            throw rule.error(file, "only FREQ=YEARLY recurrences are supported, got '\(rule.value.prefix(60))'")
        }
        let unsupported = Set(parts.keys).subtracting(["FREQ", "COUNT", "UNTIL", "INTERVAL", "WKST"])
        if let key = unsupported.sorted().first { throw rule.error(file, "\(key) is not supported in a yearly recurrence") }
        if let interval = parts["INTERVAL"], interval != "1" { throw rule.error(file, "only INTERVAL=1 is supported") }
        if let count = parts["COUNT"] {
            guard let value = Int(count), value >= 1 else { throw rule.error(file, "COUNT must be a positive integer") }
            return first.year + value - 1
        }
        if let until = parts["UNTIL"] {
            guard let date = CivilDate(parsing: String(until.prefix(8))) else { throw rule.error(file, "UNTIL must start with a date YYYYMMDD") }
            return (date.month, date.day) >= (first.month, first.day) ? date.year : date.year - 1
        }
        return nil
    }

    private static func moment(_ property: Property, file: String, timeZone: TimeZone) throws(ConfigError) -> Moment {
        let value = property.value.trimmingCharacters(in: .whitespaces)
        if property.parameters["VALUE"]?.uppercased() == "DATE" || value.count == 8 {
            guard let date = CivilDate(parsing: value) else { throw property.error(file, "expected a date YYYYMMDD, got '\(value.prefix(40))'") }
            return .date(date)
        }
        // YYYYMMDDTHHMMSS[Z]
        let characters = Array(value)
        guard characters.count == 15 || (characters.count == 16 && characters[15] == "Z"), characters[8] == "T",
            let date = CivilDate(parsing: String(characters[0..<8])),
            let hour = Int(String(characters[9..<11])), let minute = Int(String(characters[11..<13])),
            let second = Int(String(characters[13..<15])), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { throw property.error(file, "expected a date YYYYMMDD or a date-time YYYYMMDDTHHMMSS, got '\(value.prefix(40))'") }
        var zone = timeZone
        if characters.count == 16 {
            zone = TimeZone(identifier: "UTC") ?? .gmt
        } else if let identifier = property.parameters["TZID"] {
            guard let named = TimeZone(identifier: identifier) else { throw property.error(file, "unknown time zone '\(identifier.prefix(60))'") }
            zone = named
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: hour, minute: minute, second: second)
        guard let instant = calendar.date(from: components) else { throw property.error(file, "not a valid date-time") }
        return .dateTime(instant)
    }
}
