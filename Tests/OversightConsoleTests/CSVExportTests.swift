//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OversightConsole

@Suite struct CSVExportTests {
    @Test func rfc4180Quoting() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("cr\r\nlf") == "\"cr\r\nlf\"")
        #expect(CSV.field("") == "")
        #expect(CSV.render(header: ["a", "b"], rows: [["1", "x,y"], ["", "z"]]) == "a,b\r\n1,\"x,y\"\r\n,z\r\n")
    }

    @Test func formulaInjectionGuard() {
        #expect(CSV.field("=HYPERLINK(\"http://evil\")") == "\"'=HYPERLINK(\"\"http://evil\"\")\"")
        #expect(CSV.field("+1+2") == "'+1+2")
        #expect(CSV.field("-1+2") == "'-1+2")
        #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.field("\tcmd") == "'\tcmd")
        #expect(CSV.field("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0")
        // Plain numbers stay numbers.
        #expect(CSV.field("-12") == "-12")
        #expect(CSV.field("-0.5") == "-0.5")
        #expect(CSV.field("a=b") == "a=b")
    }

    @Test func everyTablePageExportsItsTablesInScope() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            for (username, seesGlobex) in [("admin", true), ("acmestaff", false)] {
                var browser = Browser()
                _ = try await browser.login(client, username)
                for uri in [
                    "/?format=csv", "/providers/acme?format=csv&table=sites", "/providers/acme?format=csv&table=breaches",
                    "/providers/acme?format=csv&table=sla-events", "/providers/acme?format=csv&table=figures", "/alerts?format=csv",
                    "/alerts?format=csv&table=history", "/agents?format=csv", "/scorecard?format=csv", "/scorecard?provider=acme&format=csv",
                    "/scorecard.csv?provider=acme", "/tickets/acme/T1?format=csv", "/tickets/acme/T1?format=csv&table=sla",
                    "/tickets/acme/T1?format=csv&table=timeline", "/tickets/acme/T1?format=csv&table=batch",
                ] {
                    let response = try await browser.get(client, uri)
                    #expect(response.status == .ok, "\(username) \(uri)")
                    #expect(response.headers[.contentType] == "text/csv; charset=utf-8", "\(uri)")
                    #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"") == true, "\(uri)")
                    let text = String(buffer: response.body)
                    #expect(text.contains("\r\n"), "\(uri)")
                    #expect(!text.contains("<"), "\(uri): no HTML in CSV")
                    #expect(text.contains("globex") == (seesGlobex && !uri.contains("acme")), "\(username) \(uri)")
                }
                #expect(try await browser.get(client, "/providers/globex?format=csv").status == (seesGlobex ? .ok : .notFound))
                #expect(try await browser.get(client, "/scorecard.csv?provider=globex").status == (seesGlobex ? .ok : .notFound))
                #expect(try await browser.get(client, "/tickets/globex/G1?format=csv").status == (seesGlobex ? .ok : .notFound))
                #expect(try await browser.get(client, "/?format=pdf").status == .badRequest)
                #expect(try await browser.get(client, "/?format=csv&table=nope").status == .notFound)
            }
        }
    }

    @Test func overviewCSVCarriesTheFigures() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            let page = String(buffer: try await browser.get(client, "/").body)
            #expect(page.contains("href=\"/?format=csv&amp;table=overview\""))
            let lines = String(buffer: try await browser.get(client, "/?format=csv").body).components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("Provider,Site,Status,SLA today,SLA this month,At risk,Breached,Tickets,Backlog"))
            // Each has one resolution breach decided today → 0 %, without a contract target; acme's ticket is breached, globex's at risk.
            #expect(lines[1].hasPrefix("acme,paris,RED,0%,0%,0,1,1,1,"))
            #expect(lines[2].hasPrefix("globex,paris,AMBER,0%,0%,1,0,1,1,"))
        }
    }
}
