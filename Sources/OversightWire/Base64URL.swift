//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Base64url without padding (RFC 7515 §2), strict on decode.
package enum Base64URL {
    /// Encodes bytes.
    package static func encode(_ bytes: some DataProtocol) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decodes text; `nil` if it holds padding, whitespace or any character outside the base64url alphabet, or if it
    /// is not the one canonical spelling of its bytes (the unused low bits of the last character must be zero,
    /// RFC 4648 §3.5: otherwise "QQ", "QR" … "QZ" would all read as the one byte 0x41).
    package static func decode(_ text: String) -> Data? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 3)
        var last: UInt8 = 0  // the last character's 6-bit value
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): last = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): last = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): last = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): last = 62
            case UInt8(ascii: "_"): last = 63
            default: return nil
            }
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        switch bytes.count % 4 {
        case 1: return nil
        case 2: if last & 0x0F != 0 { return nil }  // 2 characters carry 1 byte: the last one's low 4 bits are unused
        case 3: if last & 0x03 != 0 { return nil }  // 3 characters carry 2 bytes: the last one's low 2 bits are unused
        default: break
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(bytes))
    }
}
