//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// Polls `condition` until it holds, or throws after `timeout`. Timeouts are generous on purpose: they bound a hung
/// test, they are not performance assertions.
/// - Parameters:
///   - what: what is awaited, for the failure message.
///   - timeout: how long to keep polling.
///   - interval: pause between polls.
///   - condition: the check; a thrown error counts as "not yet" (the last one is reported on timeout), except
///     ``ProcessExitedError``, which ends the wait at once.
package func eventually(
    _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(200),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if try await condition() { return }
            lastError = nil
        } catch let error as ProcessExitedError {
            throw error
        } catch {
            lastError = error
        }
        if ContinuousClock.now >= deadline {
            throw HarnessError("timed out after \(timeout) waiting for: \(what)\(lastError.map { " (last error: \($0))" } ?? "")")
        }
        try await Task.sleep(for: interval)
    }
}
