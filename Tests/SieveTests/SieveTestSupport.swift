import Testing

@testable import Sieve

/// Runs a script against a message written as text (LF line ends become CRLF) and
/// returns the actions as JSON lines, plus whether the implicit keep stands.
func runScript(
    _ script: String, message: String, envelopeFrom: String = "sender@example.org", envelopeTo: String = "me@example.com",
    context: SieveRunContext = SieveRunContext()
) throws -> (actions: [String], implicitKeep: Bool) {
    let program = try SieveScript.compile(script)
    let bytes = Array(message.replacingLineFeeds().utf8)
    let result = try program.run(
        on: SieveMessage(parsing: bytes, envelopeFrom: envelopeFrom, envelopeTo: envelopeTo), context: context)
    return (result.actions.map(\.json), result.implicitKeep)
}

/// The error of compiling `script`, or `nil` if it compiles.
func compileError(_ script: String) -> SieveError? {
    do {
        _ = try SieveScript.compile(script)
        return nil
    } catch {
        return error
    }
}

extension String {
    func replacingLineFeeds() -> String {
        var result = ""
        for scalar in unicodeScalars {
            if scalar == "\n" { result += "\r\n" } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }
}

let keepJSON = #"{"action":"keep","flags":[]}"#
let discardJSON = #"{"action":"discard"}"#

/// Runs a script against a message written as text (LF line ends become CRLF) and
/// returns the whole result.
func runResult(
    _ script: String, message: String, envelopeFrom: String = "sender@example.org", envelopeTo: String = "me@example.com",
    context: SieveRunContext = SieveRunContext()
) throws -> SieveResult {
    let program = try SieveScript.compile(script)
    let bytes = Array(message.replacingLineFeeds().utf8)
    return try program.run(on: SieveMessage(parsing: bytes, envelopeFrom: envelopeFrom, envelopeTo: envelopeTo), context: context)
}

/// Expects exactly these actions, in this order, and this implicit keep.
func expectRun(
    _ script: String, on message: String, envelopeFrom: String = "sender@example.org", envelopeTo: String = "me@example.com",
    context: SieveRunContext = SieveRunContext(), actions expected: [SieveAction], implicitKeep: Bool,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let result = try runResult(script, message: message, envelopeFrom: envelopeFrom, envelopeTo: envelopeTo, context: context)
    #expect(result.actions == expected, sourceLocation: sourceLocation)
    #expect(result.implicitKeep == implicitKeep, sourceLocation: sourceLocation)
}

/// `fileinto` without flags, :copy or :create.
func fileinto(_ mailbox: String) -> SieveAction {
    .fileinto(mailbox: mailbox, flags: [], copy: false, create: false)
}

/// `redirect` without :copy.
func redirect(_ address: String) -> SieveAction {
    .redirect(address: address, copy: false)
}
