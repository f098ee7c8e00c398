import Testing

@testable import Sieve

/// Address and path syntax as the address-part tests see it (RFC 5228 §2.7.4, §5.4;
/// RFC 5321 §4.1.2).
@Suite struct SieveAddressSyntaxTests {
    @Test func envelopePaths() {
        #expect(SieveEnvelopePath.parse("<>") == .null)
        #expect(
            SieveEnvelopePath.parse("<@a.example,@b.example:user@example.org>") == .address(.init(localPart: "user", domain: "example.org"))
        )
        #expect(SieveEnvelopePath.parse("<postmaster>") == .address(.init(localPart: "postmaster", domain: nil)))
        for invalid in ["user@", "<user@example.org", "user@example.org>", "<@a..b:user@example.org>", "<@a.example,b.example:u@x>"] {
            #expect(SieveEnvelopePath.parse(invalid) == .invalid, "\(invalid)")
        }
    }

    @Test func invalidHeaderAddressIsSeenByAllOnly() throws {
        let script = #"if address :localpart "from" "stephan" { discard; } elsif address :all "from" "stephan@" { keep; }"#
        #expect(try runScript(script, message: "From: stephan@\n\n").actions == [keepJSON])
    }

    @Test func errorCommandEndsTheRun() throws {
        let program = try SieveScript.compile(#"require "ihave"; error "Something failed.";"#)
        #expect(throws: SieveRuntimeError.self) { try program.run(on: SieveMessage(parsing: [], envelopeFrom: "", envelopeTo: "")) }
    }

    @Test func ihaveCannotEnableStringExtensions() throws {
        let script = #"require "ihave"; if ihave "variables" { discard; }"#
        #expect(try runScript(script, message: "Subject: x\n\n").actions == [])
    }
}
