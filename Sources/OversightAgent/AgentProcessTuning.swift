//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Process-wide settings that keep the running agent small: one event loop, few malloc arenas.
//
//===----------------------------------------------------------------------===//

import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings for a long-running agent, applied once, before anything starts a thread.
///
/// The agent keeps one connection and reads a few folders, so it needs neither an event-loop thread per core nor a
/// blocking-I/O pool per core (NIO's singleton defaults), and glibc's default of up to 8 × cores malloc arenas
/// (one per thread that allocates) costs resident memory for nothing: measured on the agent at 10 updates/s,
/// each arena held 130–620 KiB.
package enum AgentProcessTuning {
    /// Applies the settings; later calls do nothing.
    package static func apply() {
        _ = applied
    }

    private static let applied: Void = {
        // NIO accepts these only before its singletons are first used (and only once).
        NIOSingletons.groupLoopCountSuggestion = 1
        NIOSingletons.blockingPoolThreadCountSuggestion = 1
        #if canImport(Glibc)
        // `mallopt` is not in the Glibc module's headers; M_ARENA_MAX is -8 in <malloc.h>.
        if let symbol = dlsym(nil, "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            _ = mallopt(-8, 2)
        }
        #endif
    }()
}
