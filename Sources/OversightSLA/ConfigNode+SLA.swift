//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Typed values that contract files use: percentages, dates, ticket statuses.
//
//===----------------------------------------------------------------------===//

import OversightConfig
import OversightModel

extension ConfigNode {
    /// A percentage written `80%` or `99.5%` (a space before `%` is allowed), within `range`
    /// percent, returned as a fraction (`80%` → 0.8).
    func percentage(in range: ClosedRange<Double> = 0...100) throws(ConfigError) -> Double {
        let expectation = "a percentage from \(Self.number(range.lowerBound))% to \(Self.number(range.upperBound))% (such as 80%)"
        let text = try self.string(maxLength: 32)
        guard text.hasSuffix("%") else { throw self.invalid(expected: expectation) }
        let number = text.dropLast().trimmingSuffix(" ")
        guard let value = Double(number), value.isFinite, range.contains(value), number.allSatisfy({ $0.isNumber || $0 == "." })
        else { throw self.invalid(expected: expectation) }
        return value / 100
    }

    /// A plain decimal number within `range` (`4.2`, `90`).
    func decimal(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let expectation = "a number from \(Self.number(range.lowerBound)) to \(Self.number(range.upperBound))"
        let text = try self.string(maxLength: 32)
        guard let value = Double(text), value.isFinite, range.contains(value), text.allSatisfy({ $0.isNumber || $0 == "." })
        else { throw self.invalid(expected: expectation) }
        return value
    }

    /// A date `YYYY-MM-DD`.
    func civilDate() throws(ConfigError) -> CivilDate {
        guard let date = CivilDate(parsing: try self.string(maxLength: 32)), date.description.count == 10 else {
            throw self.invalid(expected: "a date YYYY-MM-DD")
        }
        return date
    }

    /// A ticket status as Oversight names it (`new`, `open`, `pending`, `on-hold`, `solved`, `closed`).
    func ticketStatus() throws(ConfigError) -> TicketStatus {
        try self.choice(TicketStatus.self)
    }

    /// A single value or a list of values, each read with `read`.
    func oneOrMany<Value>(_ read: (ConfigNode) throws(ConfigError) -> Value) throws(ConfigError) -> [Value] {
        if let items = try? self.items() {
            var result: [Value] = []
            for item in items { result.append(try read(item)) }
            return result
        }
        return [try read(self)]
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var view = self
        while view.last == character { view.removeLast() }
        return view
    }
}
