//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The demo's three sites: healthy, drifting into breaches, going silent.
//
//===----------------------------------------------------------------------===//

import Foundation

extension ProviderProfile {
    /// The demo's three sites, in the order the demo starts them.
    package static var demo: [ProviderProfile] { [.acmeSupport, .globexCare, .initechHelp] }

    /// acme-support/lisbon — **healthy**: office hours, quick replies, staffed to need, CSV exports.
    package static var acmeSupport: ProviderProfile {
        let lisbon = TimeZone(identifier: "Europe/Lisbon")!
        var profile = ProviderProfile(
            provider: "acme-support", site: "lisbon", timeZone: lisbon, behaviour: "healthy: staffed to need, replies well inside the targets",
            ticketsPerHour: 2_400, curve: .officeHours,
            channels: [
                .init(.email, share: 0.45, firstReply: LogNormal(median: 90, sigma: 0.6), handle: LogNormal(median: 150, sigma: 0.6)),
                .init(.chat, share: 0.30, firstReply: LogNormal(median: 12, sigma: 0.5), handle: LogNormal(median: 90, sigma: 0.5)),
                .init(.web, share: 0.15, firstReply: LogNormal(median: 120, sigma: 0.6), handle: LogNormal(median: 180, sigma: 0.6)),
                .init(.phone, share: 0.10, firstReply: LogNormal(median: 4, sigma: 0.4), handle: LogNormal(median: 240, sigma: 0.45)),
            ],
            format: .zendeskStyleCSV(timeZone: lisbon)
        )
        profile.queues = ["billing", "orders", "returns"]
        profile.tags = ["app", "delivery", "refund", "vip"]
        profile.assignees = ["Ana Costa", "Diogo Lopes", "Inês Martins", "Rui Santos", "Sofia Almeida", "Tiago Ferreira"]
        profile.idPrefix = "ACME-"
        profile.firstNumber = 20_001
        profile.telephony.callsPerHour = 240
        // Healthy: the workforce plan staffs the phones for 90 % answered within 20 s, a margin over the contract's 80 %,
        // and callers are patient (a queue announcement), so abandonment stays low.
        profile.telephony.targetServiceLevel = 0.9
        profile.telephony.patience = 180
        // The chat platform's queue: 20 s threshold and 5 s short abandons, as the contract's chat targets count them.
        var chat = TelephonyProfile.chat
        chat.callsPerHour = 180
        chat.handle = LogNormal(median: 300, sigma: 0.5)
        chat.targetServiceLevel = 0.9
        chat.patience = 240
        profile.chat = chat
        profile.quality.highImpactErrorRate = 0.01
        profile.quality.lowImpactErrorRate = 0.05
        // The first export covers the last 15 minutes, so solved tickets and their QA evaluations are there at once.
        profile.warmUp = .seconds(900)
        return profile
    }

    /// globex-care/manila — **drifting into breaches**: staffing falls from full to 55 % of need (the slide began five
    /// minutes before the run, and ends five minutes into it), so first replies slow by up to 3.3× and chat tickets miss a 1–2 minute first-reply
    /// target more and more often; the phone and chat queues' service level falls with it. JSON Lines exports.
    package static var globexCare: ProviderProfile {
        let manila = TimeZone(identifier: "Asia/Manila")!
        var profile = ProviderProfile(
            provider: "globex-care", site: "manila", timeZone: manila,
            behaviour: "drifting: staffing falls short over the run, so first replies get slower and chats breach",
            ticketsPerHour: 1_800, curve: .roundTheClock,
            channels: [
                .init(.chat, share: 0.60, firstReply: LogNormal(median: 40, sigma: 0.6), handle: LogNormal(median: 120, sigma: 0.5)),
                .init(.email, share: 0.25, firstReply: LogNormal(median: 180, sigma: 0.7), handle: LogNormal(median: 200, sigma: 0.6)),
                .init(.phone, share: 0.15, firstReply: LogNormal(median: 5, sigma: 0.4), handle: LogNormal(median: 300, sigma: 0.45)),
            ],
            format: .nestedJSONL
        )
        profile.priorities = [.low: 0.25, .normal: 0.55, .high: 0.15, .urgent: 0.05]
        profile.queues = ["tier1", "tier2"]
        profile.tags = ["billing", "outage", "password", "shipping"]
        profile.assignees = ["jun.p", "rosa.m", "li.w", "mark.d", "ana.r", "paolo.s"]
        profile.idPrefix = "GX-"
        profile.firstNumber = 7_001
        profile.idDigits = 4
        profile.staffing = Staffing(initial: 1, final: 0.55, begins: .seconds(-300), over: .seconds(600))
        // The first export covers the last 45 s: chats waiting at the start reach 75 % of a one-minute target (at risk)
        // and the target itself within the run's first minute, while the coordinator watches.
        profile.warmUp = .seconds(45)
        profile.csatScores = [0.03, 0.05, 0.12, 0.35, 0.45]
        profile.telephony.callsPerHour = 400
        profile.telephony.handle = LogNormal(median: 300, sigma: 0.45)
        profile.telephony.threshold = 30
        profile.telephony.targetServiceLevel = 0.9
        profile.telephony.shortAbandon = 10
        // A post-contact survey ("was your issue resolved today?", "how satisfied are you, 1 to 5?") on both queues: the
        // contract's FCR is by survey, and its mean CSAT comes from these answers.
        profile.telephony.fcrSurveyShare = 0.3
        profile.telephony.fcrYesShare = 0.78
        profile.telephony.csatScores = [0.02, 0.04, 0.10, 0.34, 0.50]
        var chat = TelephonyProfile.chat
        chat.callsPerHour = 360
        chat.handle = LogNormal(median: 300, sigma: 0.5)
        chat.threshold = 30
        chat.shortAbandon = 10
        chat.targetServiceLevel = 0.9
        chat.patience = 150
        chat.fcrSurveyShare = 0.3
        chat.fcrYesShare = 0.74
        chat.csatScores = [0.03, 0.05, 0.12, 0.35, 0.45]
        profile.chat = chat
        profile.quality.highImpactErrorRate = 0.05
        profile.quality.lowImpactErrorRate = 0.15
        // Its QA tool does not apply the scorecard's zeroing rule: an evaluation with a high-impact error keeps its
        // weighted total, so head office's recomputation (which zeroes it) shows it as DIFFERS on the audits page.
        profile.quality.zeroOnHighImpact = false
        return profile
    }

    /// initech-help/dublin — **goes silent**: a healthy helpdesk whose export job stops writing 30 s into the run for
    /// 30 s, and again every 5 minutes; the first file after a silence carries everything that changed meanwhile.
    /// Tab-separated exports with Unix times.
    package static var initechHelp: ProviderProfile {
        let dublin = TimeZone(identifier: "Europe/Dublin")!
        var profile = ProviderProfile(
            provider: "initech-help", site: "dublin", timeZone: dublin,
            behaviour: "goes silent: its export job stops writing for 30 s, 30 s into the run and every 5 minutes",
            ticketsPerHour: 1_500, curve: .officeHours,
            channels: [
                .init(.web, share: 0.40, firstReply: LogNormal(median: 100, sigma: 0.6), handle: LogNormal(median: 160, sigma: 0.6)),
                .init(.email, share: 0.35, firstReply: LogNormal(median: 120, sigma: 0.6), handle: LogNormal(median: 180, sigma: 0.6)),
                .init(.chat, share: 0.25, firstReply: LogNormal(median: 25, sigma: 0.5), handle: LogNormal(median: 90, sigma: 0.5)),
            ],
            format: .epochTSV
        )
        profile.queues = ["accounts", "hardware", "software"]
        profile.tags = ["laptop", "vpn", "licence", "onboarding"]
        profile.assignees = ["Aoife Byrne", "Ciarán Walsh", "Niamh Kelly", "Seán Murphy"]
        profile.idPrefix = "INC"
        profile.firstNumber = 100_001
        profile.idDigits = 6
        profile.silence = SilenceSchedule(firstAfter: .seconds(30), duration: .seconds(30), period: .seconds(300))
        profile.telephony.callsPerHour = 180
        var chat = TelephonyProfile.chat
        chat.callsPerHour = 150
        chat.handle = LogNormal(median: 270, sigma: 0.5)
        chat.threshold = 30
        chat.targetServiceLevel = 0.9
        chat.patience = 200
        profile.chat = chat
        profile.quality.highImpactErrorRate = 0.02
        profile.quality.lowImpactErrorRate = 0.08
        return profile
    }
}
