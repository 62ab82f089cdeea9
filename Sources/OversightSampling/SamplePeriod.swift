//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The period a sample is drawn for: an ISO week (2026-W49) or a month (2026-11), in the plan's time zone.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA

extension ContractPeriod {
    /// `2026-W49` (ISO 8601 week: Monday to Sunday, week 1 holds 4 January) or `2026-11`, in `timeZone`; `nil` for any
    /// other text, a week 53 the year does not have, or a year outside 1970–9999.
    package init?(sampleLabel text: String, in timeZone: TimeZone) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), (1970...9999).contains(year) else { return nil }
        let second = parts[1]
        if second.hasPrefix("W") {
            let digits = second.dropFirst()
            guard digits.count == 2, digits.allSatisfy(\.isASCII), let week = Int(digits), week >= 1 else { return nil }
            let january4 = CivilDate(year: year, month: 1, day: 4)
            let monday = january4.adding(days: -january4.weekday + (week - 1) * 7)
            let period = ContractPeriod(.week, containing: monday, in: timeZone)
            guard period.isoWeek == (year, week) else { return nil }
            self = period
        } else {
            guard second.count == 2, second.allSatisfy({ $0.isASCII && $0.isNumber }), let month = Int(second), (1...12).contains(month) else {
                return nil
            }
            self = ContractPeriod(.month, containing: CivilDate(year: year, month: month, day: 1), in: timeZone)
        }
    }
}
