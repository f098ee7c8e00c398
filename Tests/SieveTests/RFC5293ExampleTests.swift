import Testing

@testable import Sieve

/// Every example of RFC 5293 (editheader), run against messages built for it.
@Suite struct RFC5293ExampleTests {
    private func names(_ result: SieveResult) -> [String]? { result.editedHeader?.map(\.name) }

    /// §4 (addheader): don't redirect twice. The RFC shows the script without
    /// `require "editheader"`; it must not compile so, and is run with it.
    @Test func redirectOnce() throws {
        let body = """
            /* Don't redirect if we already redirected */
            if not header :contains "X-Sieve-Filtered"
                    ["<kim@job.example.com>", "<kim@home.example.com>"]
            {
                    addheader "X-Sieve-Filtered" "<kim@job.example.com>";
                    redirect "kim@home.example.com";
            }
            """
        #expect(compileError(body) != nil)
        let script = "require \"editheader\";\n" + body
        let fresh = try runResult(script, message: "From: boss@job.example.com\nSubject: x\n\n")
        #expect(
            fresh.actions == [
                .addHeader(name: "X-Sieve-Filtered", value: "<kim@job.example.com>", last: false), redirect("kim@home.example.com"),
            ])
        #expect(!fresh.implicitKeep)
        #expect(names(fresh) == ["X-Sieve-Filtered", "From", "Subject"])
        try expectRun(
            script, on: "X-Sieve-Filtered: <kim@home.example.com>\nSubject: x\n\n", actions: [], implicitKeep: true)
    }

    /// §5 (deleteheader): delete the first Delivered-To field if it holds bob's address.
    @Test func deleteFirstDeliveredTo() throws {
        let script = """
            require "editheader";
            deleteheader :index 1 :contains "Delivered-To"
                                    "bob@example.com";
            """
        let bobFirst = try runResult(script, message: "Delivered-To: bob@example.com\nDelivered-To: alice@example.com\n\n")
        #expect(bobFirst.actions == [.deleteHeader(name: "Delivered-To", count: 1)])
        #expect(bobFirst.editedHeader == [SieveMessage.HeaderField(name: "Delivered-To", value: " alice@example.com")])
        #expect(bobFirst.implicitKeep)
        // Bob's field is second: :index counts before the value is compared.
        try expectRun(script, on: "Delivered-To: alice@example.com\nDelivered-To: bob@example.com\n\n", actions: [], implicitKeep: true)
    }

    /// §7: addheader puts the field first, so ":index 1" deletes the field just added
    /// and the message is left unchanged. The RFC's fragment has no `require`.
    @Test func deleteWhatWasAdded() throws {
        let script = """
            require "editheader";
            addheader "X-Hello" "World";
            deleteheader :index 1 "X-Hello";
            """
        let result = try runResult(script, message: "X-Hello: Earth\nSubject: x\n\n")
        #expect(
            result.actions == [.addHeader(name: "X-Hello", value: "World", last: false), .deleteHeader(name: "X-Hello", count: 1)])
        #expect(result.editedHeader == [.init(name: "X-Hello", value: " Earth"), .init(name: "Subject", value: " x")])
    }

    /// §7: given three or more "X-Hello" fields, the two deletions remove the first and
    /// the third, since the second counts the header as already edited. The RFC's
    /// fragment has no `require`.
    @Test func deleteFirstAndThird() throws {
        let script = """
            require "editheader";
            deleteheader :index 1 "X-Hello";
            deleteheader :index 2 "X-Hello";
            """
        let result = try runResult(script, message: "X-Hello: one\nX-Hello: two\nX-Hello: three\nX-Hello: four\n\n")
        #expect(result.editedHeader == [.init(name: "X-Hello", value: " two"), .init(name: "X-Hello", value: " four")])
        #expect(result.implicitKeep)
    }

    /// §7: tests see the header as edited so far, so this always files the message.
    /// The RFC's fragment needs "editheader" and "fileinto"; both are required here.
    @Test func testsSeeEditedHeader() throws {
        let script = """
            require ["editheader", "fileinto"];
            addheader "X-Hello" "World";
            if header :contains "X-Hello" "World"
            {
                    fileinto "international";
            }
            """
        try expectRun(
            script, on: "Subject: x\n\n",
            actions: [.addHeader(name: "X-Hello", value: "World", last: false), fileinto("international")], implicitKeep: false)
    }

    /// §7: keep, edit, keep (the RFC's fragment has no `require`). The RFC leaves it to the implementation whether this stores
    /// one or two messages; here the second keep is the same action as the first
    /// (RFC 5228 §2.10.3), and the stored message is the edited one.
    @Test func keepEditKeep() throws {
        let script = """
            require "editheader";
            keep;
            addheader "X-Flavor" "vanilla";
            keep;
            """
        let result = try runResult(script, message: "Subject: x\n\n")
        #expect(result.actions == [.keep(flags: []), .addHeader(name: "X-Flavor", value: "vanilla", last: false)])
        #expect(!result.implicitKeep)
        #expect(names(result) == ["X-Flavor", "Subject"])
    }
}
