import NIOCore
import SASL

/// A client command, its strings already unquoted or taken out of their literals.
///
/// - SeeAlso: RFC 5804 §2 (commands), §4 (`command`)
public enum ManageSieveCommand: Sendable, Equatable {
    /// `AUTHENTICATE "mech" [initial-response]`: the mechanism upper-cased; the initial
    /// response base64-decoded, `[]` for `""`, nil when the client sent none.
    case authenticate(mechanism: String, initialResponse: [UInt8]?)
    case startTLS
    case logout
    case capability
    /// `HAVESPACE name size`: size in octets, 0 to 2^32 - 1.
    case haveSpace(name: String, size: Int)
    case putScript(name: String, script: String)
    case listScripts
    /// `SETACTIVE name`: nil for the empty string, which deactivates every script.
    case setActive(name: String?)
    case getScript(name: String)
    case deleteScript(name: String)
    case renameScript(oldName: String, newName: String)
    case checkScript(script: String)
    /// `NOOP [tag]`: the tag comes back in the `TAG` response code (RFC 5804 §2.13).
    case noop(tag: String?)
    case unauthenticate

    /// The upper-case keyword that starts the command.
    public var keyword: String {
        switch self {
        case .authenticate: "AUTHENTICATE"
        case .startTLS: "STARTTLS"
        case .logout: "LOGOUT"
        case .capability: "CAPABILITY"
        case .haveSpace: "HAVESPACE"
        case .putScript: "PUTSCRIPT"
        case .listScripts: "LISTSCRIPTS"
        case .setActive: "SETACTIVE"
        case .getScript: "GETSCRIPT"
        case .deleteScript: "DELETESCRIPT"
        case .renameScript: "RENAMESCRIPT"
        case .checkScript: "CHECKSCRIPT"
        case .noop: "NOOP"
        case .unauthenticate: "UNAUTHENTICATE"
        }
    }
}

extension ManageSieveCommand {
    /// Writes the command as a client sends it, CRLF included: strings quoted where they
    /// can be and as non-synchronizing literals (`{n+}`) where they cannot, the mechanism
    /// as a quoted string, HAVESPACE's size as a number.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeString(keyword)
        for argument in arguments {
            buffer.writeInteger(UInt8(ascii: " "))
            switch argument {
            case .string(let bytes):
                ManageSieveString.write(bytes, as: .clientLiteral, into: &buffer)
            case .number(let value):
                buffer.writeString(String(value))
            }
        }
        buffer.writeBytes(ManageSieveString.crlf)
    }

    private enum Argument {
        case string([UInt8])
        case number(Int)
    }

    private var arguments: [Argument] {
        switch self {
        case .startTLS, .logout, .capability, .listScripts, .unauthenticate:
            []
        case .authenticate(let mechanism, let initialResponse):
            [.string(Array(mechanism.utf8))] + (initialResponse.map { [.string(SASLBase64.encode($0))] } ?? [])
        case .haveSpace(let name, let size):
            [.string(Array(name.utf8)), .number(size)]
        case .putScript(let name, let script):
            [.string(Array(name.utf8)), .string(Array(script.utf8))]
        case .setActive(let name):
            [.string(Array((name ?? "").utf8))]
        case .getScript(let name), .deleteScript(let name):
            [.string(Array(name.utf8))]
        case .renameScript(let oldName, let newName):
            [.string(Array(oldName.utf8)), .string(Array(newName.utf8))]
        case .checkScript(let script):
            [.string(Array(script.utf8))]
        case .noop(let tag):
            tag.map { [.string(Array($0.utf8))] } ?? []
        }
    }
}
