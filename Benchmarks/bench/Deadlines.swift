//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 4: deadline accuracy — lateness of breach events with 1,000,000 open tickets scheduled.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA

struct DeadlineSettings: Sendable {
    var scheduled = 1_000_000
    /// Events falling due during the measurement, spread evenly over `window` seconds.
    var due = 20_000
    var window = 20.0
    /// Ticket updates per second that reschedule a random far-future ticket while the loop runs.
    var churnPerSecond = 1_000.0
}

enum DeadlinePart {
    static func run(settings: DeadlineSettings) async throws -> [Figure] {
        progress("deadlines: scheduling \(settings.scheduled) open tickets in DeadlineScheduler (\(settings.due) due within \(Int(settings.window)) s)")
        var scheduler = DeadlineScheduler()
        scheduler.reserveCapacity(settings.scheduled)
        let now = Date()
        let first = now.addingTimeInterval(2)
        var generator = SystemRandomNumberGenerator()
        let scheduleStart = ContinuousClock.now
        for index in 0..<settings.scheduled {
            let at: Date
            if index < settings.due {
                at = first.addingTimeInterval(settings.window * Double(index) / Double(settings.due))
            } else {
                at = now.addingTimeInterval(86_400 + Double.random(in: 0..<(30 * 86_400), using: &generator))
            }
            scheduler.schedule(
                DeadlineEvent(key: TicketKey(provider: "provider-\(index % 10)", ticket: "T\(index)"), at: at, kind: .breach, clock: .resolution)
            )
        }
        let scheduleSeconds = seconds(since: scheduleStart)
        progress(String(format: "deadlines: scheduled in %.2f s; running the due loop (sleep until next, pop due)", scheduleSeconds))

        var lateness: [Double] = []
        lateness.reserveCapacity(settings.due)
        var churned = 0
        let loopStart = ContinuousClock.now
        while lateness.count < settings.due {
            if let delay = scheduler.delay(now: Date()), delay > .zero {
                // Wake at the deadline, or earlier to apply the churn of ticket updates that arrived meanwhile.
                try await Task.sleep(for: min(delay, .milliseconds(50)))
            }
            let wanted = Int(seconds(since: loopStart) * settings.churnPerSecond)
            while churned < wanted {
                let index = settings.due + Int.random(in: 0..<(settings.scheduled - settings.due), using: &generator)
                scheduler.schedule(
                    DeadlineEvent(
                        key: TicketKey(provider: "provider-\(index % 10)", ticket: "T\(index)"),
                        at: Date().addingTimeInterval(86_400 + Double.random(in: 0..<(30 * 86_400), using: &generator)), kind: .breach,
                        clock: .resolution
                    )
                )
                churned += 1
            }
            let popped = scheduler.popDue(now: Date())
            let emitted = Date()
            for event in popped { lateness.append(emitted.timeIntervalSince(event.at)) }
        }
        lateness.sort()
        let note = "\(settings.scheduled) scheduled, \(settings.due) due over \(Int(settings.window)) s, \(Int(settings.churnPerSecond)) reschedules/s; "
            + "lateness = pop time - deadline (the scheduler loop; alert delivery not included)"
        progress(String(format: "deadlines: p50 %.4f s, p99 %.4f s, max %.4f s", percentile(lateness, 50) ?? 0, percentile(lateness, 99) ?? 0, lateness.last ?? 0))
        return [
            Figure("deadlines.schedule", Double(settings.scheduled) / scheduleSeconds, "schedules/s", note: "inserting 1,000,000 into the heap"),
            Figure("deadlines.lateness_p50", percentile(lateness, 50), "s", note: note),
            Figure("deadlines.lateness_p99", percentile(lateness, 99), "s", target: "<= 1 s", ratio: percentile(lateness, 99)),
            Figure("deadlines.lateness_max", lateness.last, "s"),
        ]
    }
}
