//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The end-to-end harness's one error: a message that says what to do.
//
//===----------------------------------------------------------------------===//

/// A failure of the harness itself (binary missing, process died, timeout), with a message for the reader.
package struct HarnessError: Error, CustomStringConvertible, Sendable {
    package var message: String
    /// Creates an error.
    package init(_ message: String) { self.message = message }
    package var description: String { self.message }
}

/// A process the test relies on has exited: ``eventually(_:timeout:interval:_:)`` stops polling at once.
package struct ProcessExitedError: Error, CustomStringConvertible, Sendable {
    package var message: String
    /// Creates an error.
    package init(_ message: String) { self.message = message }
    package var description: String { self.message }
}
