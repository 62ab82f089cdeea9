//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A description of the coordinator's key material that never carries a key.
//
//===----------------------------------------------------------------------===//

extension CoordinatorIdentity: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The CA fingerprint, never the keys.
    package var description: String { "CoordinatorIdentity(ca: \(self.authority.fingerprint), keys: redacted)" }
    package var debugDescription: String { self.description }
    /// What `dump` and reflection see: the fingerprint, not the keys.
    package var customMirror: Mirror { Mirror(self, children: ["ca": self.authority.fingerprint, "keys": "redacted"], displayStyle: .struct) }
}
