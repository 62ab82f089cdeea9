//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Memory and CPU of a process, read from /proc.
//
//===----------------------------------------------------------------------===//

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process's resident memory and CPU time, from `/proc/PID/status` and `/proc/PID/stat`.
struct ProcessSample: Sendable {
    /// Current resident set size, bytes.
    var rssBytes: Double
    /// Peak resident set size, bytes.
    var hwmBytes: Double
    /// utime + stime, seconds.
    var cpuSeconds: Double
    /// When the sample was taken.
    var at: ContinuousClock.Instant

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Reads the figures of `pid`; `nil` if the process is gone.
    static func read(pid: Int32) -> ProcessSample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return nil }
        func kilobytes(_ key: String) -> Double {
            for line in status.split(separator: "\n") where line.hasPrefix(key) {
                let digits = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0"
                return (Double(digits.trimmingCharacters(in: .whitespaces)) ?? 0) * 1024
            }
            return 0
        }
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let utime = Double(fields[11]) ?? 0
        let stime = Double(fields[12]) ?? 0
        return ProcessSample(
            rssBytes: kilobytes("VmRSS:"), hwmBytes: kilobytes("VmHWM:"), cpuSeconds: (utime + stime) / self.ticksPerSecond, at: .now
        )
    }

    /// Share of one core used between two samples.
    static func cpuShare(from start: ProcessSample, to end: ProcessSample) -> Double {
        let wall = Double((end.at - start.at).components.seconds) + Double((end.at - start.at).components.attoseconds) / 1e18
        return wall > 0 ? (end.cpuSeconds - start.cpuSeconds) / wall : 0
    }
}

/// The machine the benchmark runs on.
enum Machine {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        }
        return "unknown"
    }

    static var loadAverage: String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// Raises the soft open-files limit to the hard limit; returns the new soft limit.
    @discardableResult
    static func raiseOpenFilesLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }
}
