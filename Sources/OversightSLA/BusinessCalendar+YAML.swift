//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading a business calendar from a contract file.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig

extension BusinessCalendar {
    /// Keys a calendar mapping accepts.
    static let keys = ["time_zone", "hours", "holidays"]

    /// Reads a calendar:
    ///
    /// ```yaml
    /// time_zone: Europe/Lisbon          # IANA name, required
    /// hours:                            # "24/7", or days → ranges
    ///   weekdays: "08:00-20:00"         # monday … sunday, weekdays, weekend, every_day
    ///   saturday: ["09:00-13:00", "14:00-18:00"]
    ///   sunday: closed
    /// holidays:
    ///   dates: [2025-06-10, {date: 2025-12-08, name: Imaculada Conceição}]
    ///   yearly: ["12-25", {date: "01-01", name: Ano Novo}]
    ///   ics: holidays/portugal.ics      # path relative to the contract file, or a list of them
    /// ```
    /// - Parameters:
    ///   - node: The calendar mapping.
    ///   - baseDirectory: Directory that relative `ics` paths start from (the contract file's).
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    init(node: ConfigNode, baseDirectory: String) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: Self.keys)
        let zoneNode = try node.required("time_zone")
        let zoneName = try zoneNode.string(maxLength: 64)
        guard let zone = TimeZone(identifier: zoneName) else {
            throw zoneNode.invalid(expected: "an IANA time zone name such as Europe/Lisbon or America/Sao_Paulo")
        }
        let hours = try Self.hours(try node.required("hours"))
        var holidays = HolidaySet()
        if let holidaysNode = try node.optional("holidays") {
            holidays = try Self.holidays(holidaysNode, zone: zone, baseDirectory: baseDirectory)
        }
        self.init(timeZone: zone, hours: hours, holidays: holidays)
    }

    private static let dayGroups: KeyValuePairs<String, [Int]> = [
        "monday": [0], "tuesday": [1], "wednesday": [2], "thursday": [3], "friday": [4], "saturday": [5], "sunday": [6],
        "weekdays": [0, 1, 2, 3, 4], "weekend": [5, 6], "every_day": [0, 1, 2, 3, 4, 5, 6],
    ]

    static func hours(_ node: ConfigNode) throws(ConfigError) -> WeeklyHours {
        if let text = try? node.string(), text == "24/7" { return .twentyFourSeven }
        let entries = try node.entries()
        if entries.isEmpty { throw node.invalid(expected: "\"24/7\" or a mapping of days to hours such as weekdays: \"08:00-20:00\"") }
        try node.rejectUnknownKeys(allowed: Self.dayGroups.map(\.key))
        var ranges = [[TimeOfDayRange]](repeating: [], count: 7)
        var setBy = [String?](repeating: nil, count: 7)
        for (key, value) in entries {
            let days = Self.dayGroups.first(where: { $0.key == key })?.value ?? []
            for day in days {
                if let previous = setBy[day] {
                    throw value.error("\(WeeklyHours.dayNames[day]) already has hours from '\(previous)'; give each day once")
                }
                setBy[day] = key
            }
            let dayRanges = try value.oneOrMany { (item: ConfigNode) throws(ConfigError) -> TimeOfDayRange? in
                let text = try item.string(maxLength: 32)
                if text == "closed" { return nil }
                guard let range = TimeOfDayRange(parsing: text) else {
                    throw item.invalid(expected: "closed or a range HH:MM-HH:MM such as 08:00-20:00, 22:00-06:00 (overnight) or 00:00-24:00")
                }
                return range
            }
            for day in days { ranges[day] = dayRanges.compactMap { $0 } }
        }
        let hours = WeeklyHours(ranges: ranges)
        guard hours.secondsPerWeek > 0 else { throw node.error("the calendar has no business hours on any day") }
        return hours
    }

    static func holidays(_ node: ConfigNode, zone: TimeZone, baseDirectory: String) throws(ConfigError) -> HolidaySet {
        try node.rejectUnknownKeys(allowed: ["dates", "yearly", "ics"])
        var holidays = HolidaySet()
        if let dates = try node.optional("dates") {
            for item in try dates.items() {
                let (dateNode, name) = try Self.namedDate(item)
                holidays.add(try dateNode.civilDate(), name: name)
            }
        }
        if let yearly = try node.optional("yearly") {
            for item in try yearly.items() {
                let (dateNode, name) = try Self.namedDate(item)
                let text = try dateNode.string(maxLength: 16)
                let parts = text.split(separator: "-").compactMap { Int($0) }
                guard text.count == 5, parts.count == 2, CivilDate.isValid(year: 2000, month: parts[0], day: parts[1]) else {
                    throw dateNode.invalid(expected: "a month and day MM-DD such as 12-25")
                }
                holidays.add(HolidaySet.Yearly(month: parts[0], day: parts[1], name: name))
            }
        }
        if let ics = try node.optional("ics") {
            for pathNode in try ics.oneOrMany({ (item: ConfigNode) throws(ConfigError) -> ConfigNode in item }) {
                let relative = try pathNode.string(maxLength: 1024)
                let path = relative.hasPrefix("/") ? relative : (baseDirectory as NSString).appendingPathComponent(relative)
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw pathNode.error(.unreadableFile, "cannot read the iCalendar file \(path)")
                }
                holidays.formUnion(try ICalendarHolidays.load(path: path, timeZone: zone))
            }
        }
        return holidays
    }

    private static func namedDate(_ item: ConfigNode) throws(ConfigError) -> (ConfigNode, String?) {
        if (try? item.entries()).map({ !$0.isEmpty }) == true {
            try item.rejectUnknownKeys(allowed: ["date", "name"])
            return (try item.required("date"), try item.optional("name")?.string(maxLength: 128))
        }
        return (item, nil)
    }
}
