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
