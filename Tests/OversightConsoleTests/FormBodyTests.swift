//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's form body reader (FormBody.swift), which scripts/fuzz also runs (console-form).
//
//===----------------------------------------------------------------------===//

@testable import OversightConsole
import Testing

struct FormBodyTests {
    @Test func browsersEncodingReadsAsTheFields() {
        #expect(
            FormBody.parse("csrf=abc&note=Client+delay+%E2%80%94+see+%231&reason=client_delay")
                == ["csrf": "abc", "note": "Client delay — see #1", "reason": "client_delay"]
        )
        #expect(FormBody.parse("password=p%40ss+w%C3%B6rd%26%3D%2B") == ["password": "p@ss wörd&=+"])
    }

    @Test func oddPairsReadAsDocumented() {
        // No `=`: empty value; the last of a name wins; a stray `%` or escapes that are not UTF-8: empty.
        #expect(FormBody.parse("a=1&a=2&b&=x&c=%zz&d=%E2%82&&") == ["a": "2", "b": "", "": "x", "c": "", "d": ""])
        #expect(FormBody.parse("").isEmpty)
    }

    @Test func fieldsBeyondTheLimitAreIgnored() {
        let body = (0..<(FormBody.maxFields + 50)).map { "f\($0)=v" }.joined(separator: "&")
        let fields = FormBody.parse(Substring(body))
        #expect(fields.count == FormBody.maxFields)
        #expect(fields["f0"] == "v" && fields["f\(FormBody.maxFields)"] == nil)
    }

    @Test(arguments: [
        ["csrf": "x", "note": "a+b & c=d 100% ✓", "": ""],
        ["имя": "Привет, мир", "e-mail": "a.b@example.org"],
    ])
    func encodeThenParseIsTheIdentity(fields: [String: String]) {
        let encoded = FormBody.encode(fields)
        #expect(!encoded.contains(" "))
        #expect(FormBody.parse(Substring(encoded)) == fields)
    }
}
