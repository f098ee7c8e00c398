import Testing

@testable import Sieve

/// The date and index extensions, with RFC 5260's own examples.
@Suite struct SieveDateTests {
    /// 2009-07-20T18:44:43Z, a Monday; shown in +0200.
    let now = SieveTimestamp(secondsSince1970: 1_248_115_483, utcOffsetMinutes: 120)

    @Test func calendarArithmetic() {
        #expect(SieveDateTime.days(fromCivil: 1970, 1, 1) == 0)
        #expect(SieveDateTime.days(fromCivil: 2000, 3, 1) == 11_017)
        #expect(SieveDateTime.civil(fromDays: -1) == (1969, 12, 31))
        #expect(SieveDateTime.civil(fromDays: 11_016) == (2000, 2, 29))
        let date = SieveDateTime(now)
        #expect(date.part("iso8601") == "2009-07-20T20:44:43+02:00")
        #expect(date.part("std11") == "Mon, 20 Jul 2009 20:44:43 +0200")
        #expect(date.part("julian") == "55032")
        #expect(date.part("weekday") == "1")
    }

    @Test(arguments: [
        ("Mon, 20 Jul 2009 21:44:43 +0300", "2009-07-20T21:44:43+03:00"),
        ("20 Jul 09 21:44 GMT", "2009-07-20T21:44:00+00:00"),
        ("Thu, 1 Jan 1970 00:00:00 (comment) -0000", "1970-01-01T00:00:00-00:00"),
        ("Sat, 29 Feb 2020 23:59:60 -0130", "2020-02-29T23:59:60-01:30"),
    ])
    func parsesDates(text: String, iso: String) {
        #expect(SieveDateTime.parse(text)?.part("iso8601") == iso)
    }

    @Test(arguments: ["Moo, 34 Juul 3060 25:30:42 +6600", "30 Feb 2009 10:00:00 +0000", "Mon, 20 Jul 2009", "20 Jul 2009 24:00 +0000", ""])
    func rejectsInvalidDates(text: String) {
        #expect(SieveDateTime.parse(text) == nil)
    }

    /// RFC 5260 §4.4, first example: business hours in the sender's zone.
    @Test func businessHours() throws {
        let script = """
            require ["date", "relational", "fileinto"];
            if allof(header :is "from" "boss@example.com",
                     date :value "ge" :originalzone "date" "hour" "09",
                     date :value "lt" :originalzone "date" "hour" "17")
            { fileinto "urgent"; }
            """
        let urgent = #"{"action":"fileinto","mailbox":"urgent","flags":[],"copy":false,"create":false}"#
        let inHours = "From: boss@example.com\nDate: Tue, 21 Jul 2009 10:00:00 -0700\n\n"
        let afterHours = "From: boss@example.com\nDate: Tue, 21 Jul 2009 18:00:00 -0700\n\n"
        let context = SieveRunContext(now: now)
        #expect(try runScript(script, message: inHours, context: context).actions == [urgent])
        #expect(try runScript(script, message: afterHours, context: context).actions.isEmpty)
    }

    /// RFC 5260 §4.4, second example: the weekday of the last Received field's date, in the local zone.
    @Test func weekendReceived() throws {
        let script = """
            require ["date", "fileinto"];
            if anyof(date :is "received" "weekday" "0",
                     date :is "received" "weekday" "6")
            { fileinto "weekend"; }
            """
        let saturday = "Received: from a by b; Sat, 25 Jul 2009 23:30:00 +0000\n\n"
        let weekend = #"{"action":"fileinto","mailbox":"weekend","flags":[],"copy":false,"create":false}"#
        #expect(try runScript(script, message: saturday, context: SieveRunContext(now: now)).actions == [weekend])
        // In +0200 the same moment is already Sunday; in -0500 it is still Saturday; in +0900 Sunday too.
        let tokyo = SieveRunContext(now: SieveTimestamp(secondsSince1970: 0, utcOffsetMinutes: 540))
        #expect(try runScript(script, message: saturday, context: tokyo).actions == [weekend])
        let friday = "Received: from a by b; Fri, 24 Jul 2009 12:00:00 +0000\n\n"
        #expect(try runScript(script, message: friday, context: SieveRunContext(now: now)).actions.isEmpty)
    }

    /// RFC 5260 §5.1: vacation only during the first week of July.
    @Test func currentDateRange() throws {
        let script = """
            require ["date", "relational", "vacation"];
            if allof(currentdate :value "ge" "date" "2009-07-01",
                     currentdate :value "le" "date" "2009-07-31")
            { vacation :days 7  "I'm away during July."; }
            """
        #expect(try runScript(script, message: "\n", context: SieveRunContext(now: now)).actions.count == 1)
        let later = SieveRunContext(now: SieveTimestamp(secondsSince1970: 1_260_000_000))
        #expect(try runScript(script, message: "\n", context: later).actions.isEmpty)
    }

    /// RFC 5260 §5.1: file by month and year with match variables, and std11 into a header.
    @Test func currentDateVariables() throws {
        let script = """
            require ["date", "variables", "fileinto", "editheader"];
            if currentdate :matches "month" "*" { set "month" "${1}"; }
            if currentdate :matches "year"  "*" { set "year"  "${1}"; }
            fileinto "${month}-${year}";
            if currentdate :zone "+0000" :matches "std11" "*" { addheader "Processing-date" "${0}"; }
            """
        let run = try runScript(script, message: "\n", context: SieveRunContext(now: now))
        #expect(run.actions[0].contains(#""mailbox":"07-2009""#))
        #expect(run.actions[1].contains(#""value":"Mon, 20 Jul 2009 18:44:43 +0000""#))
    }

    @Test func zoneArguments() throws {
        let message = "Date: Mon, 20 Jul 2009 21:44:43 +0300\n\n"
        let context = SieveRunContext(now: now)
        func holds(_ test: String) throws -> Bool {
            try !runScript(#"require ["date", "index"]; if \#(test) { discard; }"#, message: message, context: context).actions.isEmpty
        }
        #expect(try holds(#"date :originalzone "date" "time" "21:44:43""#))
        #expect(try holds(#"date "date" "time" "20:44:43""#))
        #expect(try holds(#"date :zone "-0130" "date" "iso8601" "2009-07-20T17:14:43-01:30""#))
        #expect(try holds(#"date :index 1 :last "date" "zone" "+0200""#))
        #expect(try !holds(#"date :index 2 "date" "zone" "+0200""#))
        #expect(try !holds(#"date "resent-date" "year" "2009""#))
    }

    @Test(arguments: [
        #"require "date"; if date :zone "0200" "date" "year" "2009" {}"#,
        #"require "date"; if date "date" "century" "20" {}"#,
        #"require "date"; if currentdate :originalzone "year" "2009" {}"#,
        #"require "date"; if date :zone "+0100" :originalzone "date" "year" "2009" {}"#,
        #"if currentdate "year" "2009" {}"#,
    ])
    func invalidDateTests(script: String) {
        #expect(compileError(script) != nil)
    }
}
