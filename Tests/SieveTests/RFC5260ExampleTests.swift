import Testing

@testable import Sieve

/// Every example script of RFC 5260 (date, index), run with a fixed `now`. The two §4.4
/// date examples are also in SieveDateTests; they are repeated here so that this file
/// holds the whole RFC.
@Suite struct RFC5260ExampleTests {
    /// Monday 2009-07-20 10:00 in +0200.
    static let mondayMorning = SieveTimestamp(secondsSince1970: 1_248_076_800, utcOffsetMinutes: 120)

    private func context(_ secondsSince1970: Int64, offset: Int = 120) -> SieveRunContext {
        SieveRunContext(now: SieveTimestamp(secondsSince1970: secondsSince1970, utcOffsetMinutes: offset))
    }

    /// §4.4, first example: the boss's mail during the boss's business hours.
    @Test(arguments: [
        ("Tue, 21 Jul 2009 09:00:00 -0700", true),
        ("Tue, 21 Jul 2009 16:59:59 -0700", true),
        ("Tue, 21 Jul 2009 17:00:00 -0700", false),
        ("Tue, 21 Jul 2009 08:59:59 -0700", false),
    ])
    func businessHours(date: String, urgent: Bool) throws {
        let script = """
            require ["date", "relational", "fileinto"];
            if allof(header :is "from" "boss@example.com",
                     date :value "ge" :originalzone "date" "hour" "09",
                     date :value "lt" :originalzone "date" "hour" "17")
            { fileinto "urgent"; }
            """
        try expectRun(
            script, on: "From: boss@example.com\nDate: \(date)\n\n", context: SieveRunContext(now: Self.mondayMorning),
            actions: urgent ? [fileinto("urgent")] : [], implicitKeep: !urgent)
    }

    /// §4.4, second example: the weekday of the Received date, in the local zone.
    @Test func weekend() throws {
        let script = """
            require ["date", "fileinto"];
            if anyof(date :is "received" "weekday" "0",
                     date :is "received" "weekday" "6")
            { fileinto "weekend"; }
            """
        let saturday = "Received: from a by b; Sat, 25 Jul 2009 12:00:00 +0000\n\n"
        let friday = "Received: from a by b; Fri, 24 Jul 2009 12:00:00 +0000\n\n"
        let context = SieveRunContext(now: Self.mondayMorning)
        try expectRun(script, on: saturday, context: context, actions: [fileinto("weekend")], implicitKeep: false)
        try expectRun(script, on: friday, context: context, actions: [], implicitKeep: true)
    }

    /// §5.1, first example: outside business hours, redirect to the pager.
    @Test(arguments: [
        (Int64(1_248_076_800), false),  // Monday 10:00 local
        (1_248_105_600, true),  // Monday 18:00 local
        (1_248_051_600, true),  // Monday 03:00 local
        (1_248_508_800, true),  // Saturday 10:00 local
        (1_248_595_200, true),  // Sunday 10:00 local
    ])
    func pager(now: Int64, redirects: Bool) throws {
        let script = """
            require ["date", "relational"];
            if anyof(currentdate :is "weekday" "0",
                     currentdate :is "weekday" "6",
                     currentdate :value "lt" "hour" "09",
                     currentdate :value "ge" "hour" "17")
            { redirect "pager@example.com"; }
            """
        try expectRun(
            script, on: "Subject: x\n\n", context: context(now), actions: redirects ? [redirect("pager@example.com")] : [],
            implicitKeep: !redirects)
    }

    /// §5.1, second example: vacation only during the first week of July 2007.
    @Test(arguments: [(Int64(1_183_464_000), true), (1_184_068_800, false), (1_183_118_400, false)])
    func firstWeekOfJuly(now: Int64, away: Bool) throws {
        let script = """
            require ["date", "relational", "vacation"];
            if allof(currentdate :value "ge" "date" "2007-06-30",
                     currentdate :value "le" "date" "2007-07-07")
            { vacation :days 7  "I'm away during the first week in July."; }
            """
        let result = try runResult(script, message: "Subject: x\n\n", context: context(now, offset: 0))
        #expect(result.implicitKeep)
        #expect(result.actions.count == (away ? 1 : 0))
        if away, case .vacation(let vacation) = result.actions.first {
            #expect(vacation.reason == "I'm away during the first week in July.")
            #expect(vacation.seconds == 7 * 86_400)
        }
    }

    /// §5.1, third example: file by month and year.
    @Test func monthAndYear() throws {
        let script = """
            require ["date", "variables", "fileinto"];
            if currentdate :matches "month" "*" { set "month" "${1}"; }
            if currentdate :matches "year"  "*" { set "year"  "${1}"; }
            fileinto "${month}-${year}";
            """
        try expectRun(
            script, on: "Subject: x\n\n", context: SieveRunContext(now: Self.mondayMorning), actions: [fileinto("07-2009")],
            implicitKeep: false)
    }

    /// §5.1, fourth example: the processing date in a new header field. The RFC's
    /// fragment needs "date", "variables" and "editheader"; they are required here.
    @Test func processingDate() throws {
        let script = """
            require ["date", "variables", "editheader"];
            if currentdate :matches "std11" "*"
            {addheader "Processing-date" "${0}";}
            """
        let result = try runResult(script, message: "Subject: x\n\n", context: SieveRunContext(now: Self.mondayMorning))
        #expect(result.actions == [.addHeader(name: "Processing-date", value: "Mon, 20 Jul 2009 10:00:00 +0200", last: false)])
        #expect(result.implicitKeep)
        #expect(result.editedHeader?.first == SieveMessage.HeaderField(name: "Processing-date", value: " Mon, 20 Jul 2009 10:00:00 +0200"))
    }

    /// §6.3 (date with :index): the second Received field, read in -0500, after the
    /// cut-off. The RFC shows the test without `require`; "date", "relational" and
    /// "index" are required here.
    @Test(arguments: [
        ("Tue, 27 Feb 2007 09:00:00 -0500", true),
        ("Mon, 26 Feb 2007 15:00:01 +0100", true),
        ("Mon, 26 Feb 2007 15:00:00 +0100", false),
        ("Mon, 26 Feb 2007 08:00:00 -0500", false),
    ])
    func receivedIndex(secondReceived: String, after: Bool) throws {
        let script = """
            require ["date", "relational", "index"];
            if date :value "gt" :index 2 :zone "-0500" "received"
                    "iso8601" "2007-02-26T09:00:00-05:00"
            { redirect "aftercutoff@example.org"; }
            """
        let message = """
            Received: from b by c; Wed, 28 Feb 2007 09:00:00 -0500
            Received: from a by b; \(secondReceived)
            Received: from x by a; Sun, 25 Feb 2007 09:00:00 -0500


            """
        try expectRun(
            script, on: message, actions: after ? [redirect("aftercutoff@example.org")] : [], implicitKeep: !after)
    }

    /// §6.1 (header with :index): only the first (most recent) Received field is tested.
    @Test func headerIndex() throws {
        let script = """
            require ["index", "variables", "reject"];
            if header :index 1 :matches "received" "*(* [*.*.*.*])*" { reject "${3}.${4}.${5}.${6}"; }
            """
        let message = """
            Received: from mx.example.org (mx.example.org [192.0.2.1]) by a; Mon, 26 Feb 2007 09:00:00 -0500
            Received: from x (x.example.net [198.51.100.7]) by mx; Mon, 26 Feb 2007 08:59:00 -0500


            """
        try expectRun(script, on: message, actions: [.reject(reason: "192.0.2.1", extended: false)], implicitKeep: false)
        let noAddress = "Received: from mx by a; Mon, 26 Feb 2007 09:00:00 -0500\nReceived: from x (y [198.51.100.7]) by mx; x\n\n"
        try expectRun(script, on: noAddress, actions: [], implicitKeep: true)
    }
}
