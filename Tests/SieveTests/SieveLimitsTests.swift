import Testing

@testable import Sieve

@Suite struct SieveLimitsTests {
    @Test func redirectsBeyondTheLimitFailTheRun() throws {
        let redirects = (0...SieveLimits.maximumRedirects).map { "redirect \"user\($0)@example.com\";" }.joined(separator: "\n")
        #expect {
            try runScript(redirects, message: "\n")
        } throws: { error in
            (error as? SieveRuntimeError)?.kind == .tooManyRedirects
                && (error as? SieveRuntimeError)?.location == SourceLocation(line: SieveLimits.maximumRedirects + 1, column: 1)
        }
        let withinLimit = (1...SieveLimits.maximumRedirects).map { "redirect \"user\($0)@example.com\";" }.joined(separator: "\n")
        #expect(try runScript(withinLimit, message: "\n").actions.count == SieveLimits.maximumRedirects)
    }

    /// Many expensive matches against a long header exhaust the step budget instead of
    /// running for a long time.
    @Test func stepBudgetStopsExpensiveScripts() throws {
        // Each of the ~8000 start positions of the star compares up to 500 characters.
        let pattern = "*" + String(repeating: "a", count: 500) + "b"
        let script = "if header :matches \"subject\" \"\(pattern)\" { discard; }"
        let message = "Subject: " + String(repeating: "a", count: 8000) + "\n\n"
        #expect {
            try runScript(script, message: message)
        } throws: { error in
            (error as? SieveRuntimeError)?.kind == .stepLimitExceeded
        }
    }

    @Test func variablesAreTruncatedAtTheSizeLimit() throws {
        let long = String(repeating: "é", count: SieveLimits.maximumVariableSize)
        let script = "require [\"variables\", \"reject\"]; set \"v\" \"\(long)\"; set :length \"n\" \"${v}\"; reject \"${n}\";"
        #expect(
            try runScript(script, message: "\n").actions == [#"{"action":"reject","reason":"\#(SieveLimits.maximumVariableSize / 2)"}"#])
    }

    @Test func capabilitiesCanBeRestricted() {
        let restricted = SieveCapabilities(["fileinto"])
        #expect(throws: SieveError.self) { try SieveScript.compile("require \"vacation\";", capabilities: restricted) }
        #expect(throws: Never.self) { try SieveScript.compile("require \"fileinto\";", capabilities: restricted) }
        #expect(SieveCapabilities.all.advertised.hasPrefix("fileinto envelope encoded-character"))
    }

    @Test func actionJSONEscapesText() {
        let action = SieveAction.reject(reason: "line \"one\"\r\n\u{1}", extended: false)
        #expect(action.json == #"{"action":"reject","reason":"line \"one\"\r\n\u0001"}"#)
    }
}
