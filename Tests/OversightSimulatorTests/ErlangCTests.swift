//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSimulator
import Testing

@Suite struct ErlangCTests {
    /// The textbook case: 10 Erlangs (e.g. 200 calls per hour at 180 s AHT), 12 agents, 20 s threshold.
    @Test func textbookValues() {
        let wait = ErlangC.probabilityOfWaiting(agents: 12, traffic: 10)
        #expect(abs(wait - 0.4494) < 0.0005)
        let serviceLevel = ErlangC.serviceLevel(agents: 12, traffic: 10, threshold: 20, handleTime: 180)
        #expect(abs(serviceLevel - 0.6402) < 0.0005)
        let asa = ErlangC.averageSpeedOfAnswer(agents: 12, traffic: 10, handleTime: 180)
        #expect(abs(asa - 40.44) < 0.05)
        // 13 agents give 79.6 %, 14 give 88.8 %: 80/20 needs 14.
        #expect(ErlangC.agentsNeeded(traffic: 10, threshold: 20, handleTime: 180, target: 0.8) == 14)
        #expect(abs(ErlangC.serviceLevel(agents: 14, traffic: 10, threshold: 20, handleTime: 180) - 0.8884) < 0.0005)
    }

    @Test func overloadedQueueAlwaysWaits() {
        #expect(ErlangC.probabilityOfWaiting(agents: 10, traffic: 10) == 1)
        #expect(ErlangC.serviceLevel(agents: 9, traffic: 10, threshold: 20, handleTime: 180) == 0)
        #expect(ErlangC.averageSpeedOfAnswer(agents: 10, traffic: 12, handleTime: 180) == .infinity)
        #expect(ErlangC.probabilityOfWaiting(agents: 3, traffic: 0) == 0)
    }

    /// Intervals simulated call by call follow the model: with patient callers, the share answered within the
    /// threshold over many intervals matches the Erlang C service level of the staffed agents.
    @Test func simulatedIntervalsMatchTheModel() {
        var profile = TelephonyProfile()
        profile.patience = 1e9
        profile.handle = LogNormal(median: 180, sigma: 0.3)
        var random = SimulationRandom(seed: 7, stream: "erlang")
        var offered = 0
        var within = 0
        var answered = 0
        var model = 0.0
        var abandoned = 0
        for index in 0..<400 {
            let report = IntervalReport.simulate(
                start: Date(timeIntervalSince1970: Double(index) * 900), forecast: 50, staffingShare: 1, profile: profile, random: &random
            )
            offered += report.offered
            answered += report.answered
            within += report.answeredWithinThreshold
            abandoned += report.abandoned
            model = report.modelServiceLevel
            #expect(report.answered + report.abandoned == report.offered)
            #expect(report.shortAbandons <= report.abandoned)
            #expect(report.agentsStaffed == report.agentsNeeded)
        }
        #expect(abs(Double(offered) / 400 - 50) < 1.5)
        #expect(abandoned == 0)
        #expect(abs(Double(within) / Double(answered) - model) < 0.02)
        #expect(model >= 0.8)
    }

    /// Short staffing lowers the service level and makes impatient callers abandon.
    @Test func shortStaffingAbandons() {
        var random = SimulationRandom(seed: 3, stream: "erlang")
        let full = IntervalReport.simulate(start: Date(timeIntervalSince1970: 0), forecast: 80, staffingShare: 1, profile: TelephonyProfile(), random: &random)
        let short = IntervalReport.simulate(start: Date(timeIntervalSince1970: 0), forecast: 80, staffingShare: 0.6, profile: TelephonyProfile(), random: &random)
        #expect(short.agentsStaffed < full.agentsStaffed)
        #expect(short.modelServiceLevel < full.modelServiceLevel)
        #expect(short.abandoned > full.abandoned)
    }

    /// Past saturation (fewer agents than Erlangs) callers' patience holds the queue in check: about the share
    /// `1 − N / A` abandons, not everyone.
    @Test func saturatedQueueIsHeldByAbandons() {
        var random = SimulationRandom(seed: 4, stream: "erlang")
        var profile = TelephonyProfile()
        profile.handle = LogNormal(median: 300, sigma: 0.45)
        profile.threshold = 30
        profile.targetServiceLevel = 0.9
        var offered = 0
        var abandoned = 0
        var staffed = 0
        var traffic = 0.0
        for index in 0..<50 {
            let report = IntervalReport.simulate(
                start: Date(timeIntervalSince1970: Double(index) * 900), forecast: 80, staffingShare: 0.55, profile: profile, random: &random
            )
            offered += report.offered
            abandoned += report.abandoned
            staffed = report.agentsStaffed
            traffic = 80 * profile.handle.mean / 900
        }
        let mustAbandon = 1 - Double(staffed) / traffic
        #expect(mustAbandon > 0)
        #expect(abs(Double(abandoned) / Double(offered) - mustAbandon) < 0.1)
    }
}
